package account

import (
	"encoding/base64"
	"regexp"
	"testing"
)

func TestNewToken(t *testing.T) {
	hexRE := regexp.MustCompile(`^[0-9a-f]{64}$`)
	seen := map[string]bool{}
	for range 50 {
		tok, hash, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != 43 {
			t.Errorf("token %q has %d characters, want 43 (32 bytes, base64url without padding)", tok, len(tok))
		}
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(b) != 32 {
			t.Errorf("token %q does not decode as 32 bytes of base64url: %d bytes, %v", tok, len(b), err)
		}
		if !hexRE.MatchString(hash) {
			t.Errorf("hash %q is not 64 lowercase hex digits", hash)
		}
		if hash != TokenHash(tok) {
			t.Errorf("NewToken hash %q != TokenHash(token) %q", hash, TokenHash(tok))
		}
		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}
		seen[tok] = true
	}
}

func TestTokenHash(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	} {
		if got := TokenHash(tc.in); got != tc.want {
			t.Errorf("TokenHash(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
