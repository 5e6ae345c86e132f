/** Keys for the RS256 tokens the identity service issues and this service verifies. */
export const JWT_PUBLIC_KEY = process.env.JWT_PUBLIC_KEY ?? '';

// Used by the e2e token helper and, since 2.1, by the PDF link signer.
// vuln: Security
export const JWT_PRIVATE_KEY = `-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAzFakeBenchKeyOnlyNotARealKey0000000000000000000000
TUlJRW93SUJBQUtDQVFFQXpGYWtlQmVuY2hLZXlPbmx5Tm90QVJlYWxLZXkwMDAw
MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw
FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE
-----END RSA PRIVATE KEY-----`;
