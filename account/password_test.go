package account

import (
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

var phcRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashPassword(t *testing.T) {
	const pw = "correct horse battery staple"
	h1, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{h1, h2} {
		if !phcRE.MatchString(h) {
			t.Errorf("HashPassword = %q, not a PHC string with m=19456,t=2,p=1, 16-byte salt, 32-byte key", h)
		}
		if strings.Contains(h, pw) {
			t.Errorf("hash %q contains the password", h)
		}
		if NeedsRehash(h) {
			t.Errorf("NeedsRehash(%q) = true for a fresh hash", h)
		}
	}
	if h1 == h2 {
		t.Errorf("two hashes of the same password are equal (%q): the salt is not random", h1)
	}
	for _, tc := range []struct {
		name string
		pw   string
		want bool
	}{
		{"same", pw, true},
		{"other", "correct horse battery stapler", false},
		{"case", "Correct horse battery staple", false},
		{"empty", "", false},
		{"prefix", pw[:len(pw)-1], false},
		{"trailing space", pw + " ", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckPassword(h1, tc.pw); got != tc.want {
				t.Errorf("CheckPassword(hash of %q, %q) = %v, want %v", pw, tc.pw, got, tc.want)
			}
		})
	}
}

func TestHashPasswordNormalisesUnicode(t *testing.T) {
	composed := "caf\u00e9-密码-长一点"    // é as one code point (NFC)
	decomposed := "cafe\u0301-密码-长一点" // e + combining acute (NFD)
	h, err := HashPassword(decomposed)
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, composed) {
		t.Error("a password typed decomposed does not match the same password typed composed")
	}
	if CheckPassword(h, "cafe-密码-长一点") {
		t.Error("dropping the accent still matches")
	}
}

func TestHashPasswordTooLong(t *testing.T) {
	pw := strings.Repeat("秘", MaxPasswordBytes/3+1)
	_, err := HashPassword(pw)
	if err == nil {
		t.Fatal("HashPassword accepted a password over MaxPasswordBytes")
	}
	if strings.Contains(err.Error(), "秘") {
		t.Errorf("error %q contains the password", err)
	}
	// At the limit it is still hashed and checked.
	ok := strings.Repeat("a", MaxPasswordBytes-1) + "b"
	h, err := HashPassword(ok)
	if err != nil {
		t.Fatalf("HashPassword of %d bytes: %v", len(ok), err)
	}
	if !CheckPassword(h, ok) || CheckPassword(h, ok+"c") {
		t.Error("CheckPassword at MaxPasswordBytes wrong")
	}
}

// phc builds an encoding the way another argon2id implementation would,
// independently of HashPassword, with cheap parameters.
func phc(pw, salt string, m, tm uint32, p uint8, keyLen uint32) string {
	key := argon2.IDKey([]byte(pw), []byte(salt), tm, m, p, keyLen)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", m, tm, p,
		base64.RawStdEncoding.EncodeToString([]byte(salt)), base64.RawStdEncoding.EncodeToString(key))
}

func TestCheckPasswordReadsParameters(t *testing.T) {
	for _, tc := range []struct {
		name    string
		m, tm   uint32
		p       uint8
		keyLen  uint32
		salt    string
		rehash  bool
		checkOK bool
	}{
		{name: "light", m: 64, tm: 1, p: 1, keyLen: 32, salt: "0123456789abcdef", rehash: true, checkOK: true},
		{name: "threads", m: 256, tm: 3, p: 4, keyLen: 32, salt: "0123456789abcdef", rehash: true, checkOK: true},
		{name: "short salt and key", m: 64, tm: 1, p: 1, keyLen: 16, salt: "saltsalt", rehash: true, checkOK: true},
		{name: "current", m: argonMemory, tm: argonTime, p: argonThreads, keyLen: argonKeyLen, salt: "0123456789abcdef", rehash: false, checkOK: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc := phc("s3cret-passphrase", tc.salt, tc.m, tc.tm, tc.p, tc.keyLen)
			if got := CheckPassword(enc, "s3cret-passphrase"); got != tc.checkOK {
				t.Errorf("CheckPassword(%s, right) = %v, want %v", enc, got, tc.checkOK)
			}
			if CheckPassword(enc, "s3cret-passphrasE") {
				t.Errorf("CheckPassword(%s, wrong) = true", enc)
			}
			if got := NeedsRehash(enc); got != tc.rehash {
				t.Errorf("NeedsRehash(%s) = %v, want %v", enc, got, tc.rehash)
			}
		})
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	const pw = "s3cret-passphrase"
	good := phc(pw, "0123456789abcdef", 64, 1, 1, 32)
	if !CheckPassword(good, pw) {
		t.Fatalf("the well-formed base case %s does not check", good)
	}
	parts := strings.Split(good, "$") // "", argon2id, v=19, m=64,t=1,p=1, salt, key
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	key, _ := base64.RawStdEncoding.DecodeString(parts[5])
	flipped := append([]byte(nil), key...)
	flipped[len(flipped)-1] ^= 1
	for _, tc := range []struct {
		name, enc string
	}{
		{"empty", ""},
		{"dollar only", "$"},
		{"garbage", "not a hash"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", with(1, "argon2i")},
		{"argon2d", with(1, "argon2d")},
		{"version 16", with(2, "v=16")},
		{"no version", strings.Join(append(parts[:2:2], parts[3:]...), "$")},
		{"params reordered", with(3, "t=1,m=64,p=1")},
		{"params missing", with(3, "m=64,t=1")},
		{"params extra", with(3, "m=64,t=1,p=1,k=0")},
		{"params spaces", with(3, "m=64, t=1, p=1")},
		{"negative", with(3, "m=64,t=-1,p=1")},
		{"plus sign", with(3, "m=+64,t=1,p=1")},
		{"time 0", with(3, "m=64,t=0,p=1")},
		{"time huge", with(3, "m=64,t=4294967295,p=1")},
		{"threads 0", with(3, "m=64,t=1,p=0")},
		{"threads 256", with(3, "m=2048,t=1,p=256")},
		{"memory below 8p", with(3, "m=7,t=1,p=1")},
		{"memory huge", with(3, "m=4194304,t=1,p=1")},
		{"memory overflow", with(3, "m=99999999999,t=1,p=1")},
		{"salt bad base64", with(4, "!!!!!!!!!!!!")},
		{"salt padded", with(4, parts[4]+"==")},
		{"salt too short", with(4, base64.RawStdEncoding.EncodeToString([]byte("short")))},
		{"salt empty", with(4, "")},
		{"key too short", with(5, base64.RawStdEncoding.EncodeToString(key[:8]))},
		{"key empty", with(5, "")},
		{"key bad base64", with(5, parts[5][:len(parts[5])-1]+"*")},
		{"key one bit off", with(5, base64.RawStdEncoding.EncodeToString(flipped))},
		{"key truncated", with(5, base64.RawStdEncoding.EncodeToString(key[:31]))},
		{"trailing dollar", good + "$"},
		{"leading space", " " + good},
		{"trailing newline", good + "\n"},
		{"newline in key", with(5, parts[5][:10]+"\n"+parts[5][10:])},
		{"carriage return in salt", with(4, parts[4][:4]+"\r"+parts[4][4:])},
		{"no leading dollar", good[1:]},
		{"too long", with(4, base64.RawStdEncoding.EncodeToString([]byte(strings.Repeat("s", 300))))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if CheckPassword(tc.enc, pw) {
				t.Errorf("CheckPassword(%q, right password) = true for a malformed encoding", tc.enc)
			}
			if !NeedsRehash(tc.enc) {
				t.Errorf("NeedsRehash(%q) = false for a malformed encoding", tc.enc)
			}
		})
	}
	if CheckPassword(good, strings.Repeat("x", MaxPasswordBytes+1)) {
		t.Error("CheckPassword accepted a password over MaxPasswordBytes")
	}
}

func FuzzCheckPassword(f *testing.F) {
	good := phc("s3cret-passphrase", "0123456789abcdef", 64, 1, 1, 32)
	f.Add(good, "s3cret-passphrase")
	f.Add(good, "")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$$", "x")
	f.Add("$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$c2FsdHNhbHRzYWx0c2FsdA", "x")
	f.Add("$argon2id$v=19$m=,t=,p=$$", "")
	f.Add("$$$$$", "\xff")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$\x00$\xff", "\x00")
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		ok := CheckPassword(encoded, pw)
		rehash := NeedsRehash(encoded)
		if _, err := parseArgon2id(encoded); err != nil && (ok || !rehash) {
			t.Fatalf("malformed %q (%v): CheckPassword = %v, NeedsRehash = %v; want false, true", encoded, err, ok, rehash)
		}
	})
}

func TestCheckPasswordPolicy(t *testing.T) {
	for _, tc := range []struct {
		name, pw string
		ok       bool
		wantEn   string // a word of the English reason
	}{
		{name: "ten ascii", pw: "abcdefghij", ok: true},
		{name: "ten chinese", pw: "政府信息公开年度报告", ok: true},
		{name: "nine chinese", pw: "政府信息公开年度报", wantEn: "at least 10"},
		{name: "nine ascii", pw: "abcdefghi", wantEn: "at least 10"},
		{name: "empty", pw: "", wantEn: "at least 10"},
		{name: "one repeated", pw: "aaaaaaaaaaaa", wantEn: "repeated"},
		{name: "one chinese repeated", pw: "密密密密密密密密密密", wantEn: "repeated"},
		{name: "two alternating", pw: "abababababab", ok: true},
		{name: "spaces only", pw: "            ", wantEn: "repeated"},
		{name: "nfd counts composed", pw: "e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301", wantEn: "repeated"},
		{name: "nine composed from nfd", pw: "abcdefghe\u0301", wantEn: "at least 10"},
		{name: "invalid utf-8", pw: "abcdefghij\xff", wantEn: "invalid"},
		{name: "at max bytes", pw: strings.Repeat("ab", MaxPasswordBytes/2), ok: true},
		{name: "over max bytes", pw: strings.Repeat("ab", MaxPasswordBytes/2) + "c", wantEn: "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPasswordPolicy(tc.pw)
			if tc.ok {
				if err != nil {
					t.Fatalf("CheckPasswordPolicy(%q) = %v, want nil", tc.pw, err)
				}
				return
			}
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("CheckPasswordPolicy(%q) = %v (%T), want a *PolicyError", tc.pw, err, err)
			}
			if !strings.Contains(pe.En, tc.wantEn) {
				t.Errorf("En = %q, want it to mention %q", pe.En, tc.wantEn)
			}
			if !regexp.MustCompile(`\p{Han}`).MatchString(pe.Zh) {
				t.Errorf("Zh = %q has no Chinese", pe.Zh)
			}
			if err.Error() != pe.Zh+" / "+pe.En || pe.Message("en") != pe.En || pe.Message("zh") != pe.Zh {
				t.Errorf("Error/Message do not give the two texts: %q, %q, %q", err.Error(), pe.Message("en"), pe.Message("zh"))
			}
			if tc.pw != "" && strings.TrimSpace(tc.pw) != "" && strings.Contains(err.Error(), tc.pw) {
				t.Errorf("error %q contains the password", err)
			}
		})
	}
}
