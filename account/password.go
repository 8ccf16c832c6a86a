package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// The argon2id parameters of new hashes: OWASP's Password Storage Cheat
// Sheet lists m=19456 KiB (19 MiB), t=2, p=1 as its lightest equivalent
// setting. RFC 9106's 64 MiB would make every login cost 64 MiB on a small
// office server and make tests that log in many times slow. The parameters
// are written into each hash (PHC string), so they can be raised later
// without invalidating stored passwords: CheckPassword reads them back.
const (
	argonMemory  = 19456 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Bounds on what CheckPassword accepts from an encoding, so that a tampered
// or corrupted row cannot make one login allocate gigabytes or spin for
// minutes. They are generous next to the parameters above.
const (
	maxArgonMemory  = 256 * 1024 // KiB
	maxArgonTime    = 16
	maxArgonThreads = 16
	minSaltLen      = 8
	maxSaltLen      = 64
	minKeyLen       = 16
	maxKeyLen       = 64
	maxEncodedLen   = 256
)

// Password length bounds, in runes for the minimum (what a person counts)
// and in bytes for the maximum (what the server reads).
const (
	MinPasswordRunes = 10
	MaxPasswordBytes = 1024
)

var b64 = base64.RawStdEncoding.Strict()

// HashPassword returns the argon2id hash of pw as a PHC string
// ($argon2id$v=19$m=19456,t=2,p=1$salt$hash, base64 without padding) with a
// fresh random salt. The password is normalised to Unicode NFC first, so
// that the same password typed on systems that compose characters
// differently matches. It does not apply the policy (CheckPasswordPolicy
// does); it refuses only passwords that could never be checked. The error
// never contains the password.
func HashPassword(pw string) (string, error) {
	if len(pw) > MaxPasswordBytes {
		return "", fmt.Errorf("account: hash password: longer than %d bytes", MaxPasswordBytes)
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("account: hash password: reading random salt: %w", err)
	}
	key := argon2.IDKey([]byte(norm.NFC.String(pw)), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// argonParams are the parts of a PHC string.
type argonParams struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// parseArgon2id reads what HashPassword writes, with the parameters in
// that order and within the bounds above; anything else is an error.
func parseArgon2id(encoded string) (argonParams, error) {
	var p argonParams
	if len(encoded) > maxEncodedLen {
		return p, errors.New("encoding too long")
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, errors.New("not an argon2id PHC string")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, errors.New("unsupported argon2 version")
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return p, errors.New("parameters are not m,t,p")
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(kv[i], name)
		if !ok {
			return p, errors.New("parameters are not m,t,p")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return p, errors.New("parameter is not a number")
		}
		vals[i] = n
	}
	if vals[1] < 1 || vals[1] > maxArgonTime || vals[2] < 1 || vals[2] > maxArgonThreads ||
		vals[0] < 8*vals[2] || vals[0] > maxArgonMemory {
		return p, errors.New("parameters out of range")
	}
	p.memory, p.time, p.threads = uint32(vals[0]), uint32(vals[1]), uint8(vals[2])
	if !isB64(parts[4]) || !isB64(parts[5]) {
		// The decoder skips line breaks; an encoding is one line.
		return p, errors.New("salt or hash is not base64")
	}
	var err error
	if p.salt, err = b64.DecodeString(parts[4]); err != nil || len(p.salt) < minSaltLen || len(p.salt) > maxSaltLen {
		return p, errors.New("bad salt")
	}
	if p.key, err = b64.DecodeString(parts[5]); err != nil || len(p.key) < minKeyLen || len(p.key) > maxKeyLen {
		return p, errors.New("bad hash")
	}
	return p, nil
}

func isB64(s string) bool {
	for i := range len(s) {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '+' && c != '/' {
			return false
		}
	}
	return true
}

// CheckPassword reports whether pw matches the PHC string encoded, using
// the parameters stored in it. The final comparison takes the same time
// wherever the keys differ. A malformed or out-of-bounds encoding is
// simply false: the caller cannot do better than refuse the login.
func CheckPassword(encoded, pw string) bool {
	if len(pw) > MaxPasswordBytes {
		return false
	}
	p, err := parseArgon2id(encoded)
	if err != nil {
		return false
	}
	key := argon2.IDKey([]byte(norm.NFC.String(pw)), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1
}

// NeedsRehash reports whether encoded was made with other parameters than
// HashPassword uses now, so that the server can store a new hash after a
// successful login once the parameters have been raised.
func NeedsRehash(encoded string) bool {
	p, err := parseArgon2id(encoded)
	if err != nil {
		return true
	}
	return p.memory != argonMemory || p.time != argonTime || p.threads != argonThreads ||
		len(p.salt) != argonSaltLen || len(p.key) != argonKeyLen
}

// PolicyError says why a password is refused, in both languages, because
// the server shows it to the person choosing the password.
type PolicyError struct {
	Zh, En string
}

// Error gives both languages, Chinese first, for logs and the CLI.
func (e *PolicyError) Error() string { return e.Zh + " / " + e.En }

// Message is the text for an officer reading in lang ("en" or Chinese).
func (e *PolicyError) Message(lang string) string {
	if isEnglish(lang) {
		return e.En
	}
	return e.Zh
}

// CheckPasswordPolicy returns a *PolicyError when pw may not be chosen: it
// has fewer than 10 characters (runes, so a Chinese passphrase counts by
// characters, not bytes), is made of a single repeated character, is not
// valid UTF-8, or is longer than MaxPasswordBytes. The error never contains
// the password.
func CheckPasswordPolicy(pw string) error {
	if !utf8.ValidString(pw) {
		return &PolicyError{Zh: "密码含有无效字符", En: "the password contains invalid characters"}
	}
	if len(pw) > MaxPasswordBytes {
		return &PolicyError{
			Zh: fmt.Sprintf("密码过长，最多 %d 字节", MaxPasswordBytes),
			En: fmt.Sprintf("the password is too long: at most %d bytes", MaxPasswordBytes),
		}
	}
	pw = norm.NFC.String(pw)
	if utf8.RuneCountInString(pw) < MinPasswordRunes {
		return &PolicyError{
			Zh: fmt.Sprintf("密码至少需要 %d 个字符", MinPasswordRunes),
			En: fmt.Sprintf("the password must have at least %d characters", MinPasswordRunes),
		}
	}
	first, _ := utf8.DecodeRuneInString(pw)
	if strings.Trim(pw, string(first)) == "" {
		return &PolicyError{Zh: "密码不能由同一个字符重复组成", En: "the password must not be one character repeated"}
	}
	return nil
}
