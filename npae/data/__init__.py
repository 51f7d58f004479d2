"""Data loading for npae: natural-image patches, MNIST-format digits. Never imported by the mathematical core."""
