"""The evidence bundle: a zip an auditor can verify offline (SHA-256 manifest, optional Ed25519 signature)."""
