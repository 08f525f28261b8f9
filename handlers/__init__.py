"""Transport-free message handling: the router and the capabilities it dispatches to."""
