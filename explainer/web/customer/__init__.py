"""The customer's pages: the why page, its actions, the widget and the demo help centre."""
