"""Looking at trained models: the encoder's Jacobian, manifold tangents and spectra, PCA, binary codes
for semantic hashing, and metrics (principal angles, PSNR, saturation).
"""
