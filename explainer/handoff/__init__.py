"""When a person, not a model, handles a ticket: sensitive topics, abstention, opting out."""
