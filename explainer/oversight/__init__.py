"""Human oversight: fairness, global importance and drift, console queries and roles."""
