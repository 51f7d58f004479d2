"""npae: NumPy AutoEncoders with hand-derived backprop."""
