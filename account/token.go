package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// tokenBytes is the entropy of a token: 256 bits, far beyond guessing, so
// that a fast unsalted hash is enough to store it.
const tokenBytes = 32

// NewToken returns a fresh random token for a session cookie or an API
// token (32 random bytes, base64url without padding: 43 characters) and
// its TokenHash, which is all the store keeps: a copy of the database then
// lets nobody log in.
func NewToken() (token, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("account: new token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, TokenHash(token), nil
}

// TokenHash is the lowercase hex SHA-256 of token, the key under which the
// store keeps sessions and API tokens. A token is random, not chosen by a
// person, so it needs no salt or slow hash.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
