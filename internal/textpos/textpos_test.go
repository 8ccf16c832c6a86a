package textpos

import "testing"

func TestAt(t *testing.T) {
	data := []byte("ab\n一二x\n\nz")
	cases := []struct {
		off        int
		line, col  int
		wantOffset int
	}{
		{0, 1, 1, 0}, {2, 1, 3, 2}, {3, 2, 1, 3}, {9, 2, 3, 9}, {10, 2, 4, 10}, {11, 3, 1, 11}, {12, 4, 1, 12}, {99, 4, 2, 13}, {-5, 1, 1, 0},
	}
	for _, c := range cases {
		p := At(data, c.off)
		if p.Line != c.line || p.Col != c.col || p.Offset != c.wantOffset {
			t.Errorf("At(%d) = %+v, want line %d col %d offset %d", c.off, p, c.line, c.col, c.wantOffset)
		}
	}
}

func TestStray(t *testing.T) {
	cases := []struct {
		name string
		data string
		what string
		pos  string
	}{
		{"clean", "rules:\n  - id: x\t# 注释\r\n", "", ""},
		{"BOM is not stray", "\xef\xbb\xbfa: 1\n", "", ""},
		{"control character", "a: 1\nb: 两\x01\n", "control character 0x01", "line 2, column 5 (byte 11)"},
		{"DEL", "\x7f", "control character 0x7F", "line 1, column 1 (byte 0)"},
		{"not UTF-8", "a: 1\n  b: \xff\n", "byte 0xFF that is not UTF-8", "line 2, column 6 (byte 10)"},
		{"truncated UTF-8", "名\xe5\x90", "byte 0xE5 that is not UTF-8", "line 1, column 2 (byte 3)"},
	}
	for _, c := range cases {
		what, pos, ok := Stray([]byte(c.data))
		if ok != (c.what != "") || what != c.what || ok && pos.String() != c.pos {
			t.Errorf("%s: Stray = %q %v %v, want %q %s", c.name, what, pos, ok, c.what, c.pos)
		}
	}
}
