package intake

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"reflect"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// zent is one entry of a test archive.
type zent struct {
	name    string
	data    string
	mode    fs.FileMode // 0: regular 0644
	nonUTF8 bool        // name is raw bytes (GBK), UTF-8 flag not set
	extra   []byte
	flags   uint16 // written raw: encryption bit
	method  uint16 // written raw with this method when flags or method are set
}

func buildZip(t testing.TB, ents ...zent) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range ents {
		fh := &zip.FileHeader{Name: e.name, Method: zip.Deflate, NonUTF8: e.nonUTF8, Extra: e.extra}
		if e.mode != 0 {
			fh.SetMode(e.mode)
		}
		if e.flags != 0 || e.method != 0 {
			fh.Method = e.method
			fh.Flags = e.flags
			fh.CRC32 = crc32.ChecksumIEEE([]byte(e.data))
			fh.CompressedSize64 = uint64(len(e.data))
			fh.UncompressedSize64 = uint64(len(e.data))
			fw, err := w.CreateRaw(fh)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.WriteString(fw, e.data); err != nil {
				t.Fatal(err)
			}
			continue
		}
		fw, err := w.CreateHeader(fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(fw, e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zeros yields zero bytes without holding them.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

const bombSize = 200 << 20

// honestBomb is 200 MB of zeros deflated (about 200 KB), its header telling
// the truth. Built by streaming, so the test never holds 200 MB.
var honestBomb = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fw, err := w.CreateHeader(&zip.FileHeader{Name: "zeros.txt", Method: zip.Deflate})
	if err != nil {
		panic(err)
	}
	if _, err := io.CopyN(fw, zeros{}, bombSize); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// lyingBomb is the same zeros with a header declaring 1,000 bytes, so only
// counting while inflating can catch it.
var lyingBomb = sync.OnceValue(func() []byte {
	var raw bytes.Buffer
	fl, err := flate.NewWriter(&raw, flate.BestCompression)
	if err != nil {
		panic(err)
	}
	if _, err := io.CopyN(fl, zeros{}, bombSize); err != nil {
		panic(err)
	}
	if err := fl.Close(); err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fw, err := w.CreateRaw(&zip.FileHeader{
		Name: "zeros.txt", Method: zip.Deflate,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: 1000,
	})
	if err != nil {
		panic(err)
	}
	if _, err := fw.Write(raw.Bytes()); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

func gbk(t testing.TB, s string) string {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// unicodePathField is an Info-ZIP 0x7075 field naming raw as utf8Name.
func unicodePathField(raw, utf8Name string) []byte {
	field := []byte{1, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(field[1:], crc32.ChecksumIEEE([]byte(raw)))
	field = append(field, utf8Name...)
	out := binary.LittleEndian.AppendUint16(nil, 0x7075)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(field)))
	return append(out, field...)
}

func names(fs []File) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

func TestUnzipKeeps(t *testing.T) {
	tests := []struct {
		name string
		ents []zent
		want []string
		data []string // Data of each kept file; nil: not checked
	}{
		{"order of the archive", []zent{{name: "b.pdf", data: "B"}, {name: "a.docx", data: "A"}, {name: "c.html", data: "C"}},
			[]string{"b.pdf", "a.docx", "c.html"}, []string{"B", "A", "C"}},
		{"directories dropped from names", []zent{{name: "2023/区县/", mode: fs.ModeDir | 0o755}, {name: "2023/区县/岳阳楼区.pdf", data: "x"}},
			[]string{"岳阳楼区.pdf"}, []string{"x"}},
		{"mac, dot files, nested archives, thumbnails skipped", []zent{
			{name: "__MACOSX/._a.pdf", data: "junk"},
			{name: "__MACOSX/", mode: fs.ModeDir | 0o755},
			{name: "a.pdf", data: "A"},
			{name: ".DS_Store", data: "junk"},
			{name: "docs/.git/config", data: "junk"},
			{name: "inner.zip", data: "PK"},
			{name: "more.RAR", data: "Rar!"},
			{name: "old.tar.gz", data: "x"},
			{name: "Thumbs.db", data: "x"},
			{name: "b.docx", data: "PK docx is a report"},
		}, []string{"a.pdf", "b.docx"}, []string{"A", "PK docx is a report"}},
		{"GBK names without the UTF-8 flag", []zent{
			{name: gbk(t, "2023年政府信息公开工作年度报告.pdf"), nonUTF8: true, data: "x"},
			{name: gbk(t, "各部门/教育局.docx"), nonUTF8: true, data: "y"},
		}, []string{"2023年政府信息公开工作年度报告.pdf", "教育局.docx"}, nil},
		{"UTF-8 names without the flag", []zent{{name: "年度报告.html", nonUTF8: true, data: "x"}},
			[]string{"年度报告.html"}, nil},
		{"Info-ZIP unicode path field wins", []zent{
			{name: gbk(t, "旧名.pdf"), nonUTF8: true, extra: unicodePathField(gbk(t, "旧名.pdf"), "新名.pdf"), data: "x"},
		}, []string{"新名.pdf"}, nil},
		{"unicode path field with a stale CRC ignored", []zent{
			{name: gbk(t, "旧名.pdf"), nonUTF8: true, extra: unicodePathField("other", "新名.pdf"), data: "x"},
		}, []string{"旧名.pdf"}, nil},
		{"names cleaned", []zent{{name: "a\x01b:c.pdf", data: "x"}, {name: "./report.txt", data: "y"}},
			[]string{"ab_c.pdf", "report.txt"}, nil},
		{"empty archive", nil, []string{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := buildZip(t, tt.ents...)
			got, err := Unzip(bytes.NewReader(z), int64(len(z)), DefaultLimits())
			if err != nil {
				t.Fatalf("Unzip: %v", err)
			}
			if !reflect.DeepEqual(names(got), tt.want) {
				t.Errorf("names = %q, want %q", names(got), tt.want)
			}
			if tt.data != nil {
				for i, f := range got {
					if string(f.Data) != tt.data[i] {
						t.Errorf("%s: data %q, want %q", f.Name, f.Data, tt.data[i])
					}
				}
			}
		})
	}
}

func TestUnzipRefuses(t *testing.T) {
	small := Limits{MaxFile: 1000, MaxFiles: 4, MaxTotal: 2500, MaxRatio: 200}
	kb := strings.Repeat("年报", 150) // 900 bytes, compresses well but under the ratio grace
	tests := []struct {
		name   string
		zip    func(t *testing.T) []byte
		lim    Limits
		want   error // the type and fields expected
		wantZh string
	}{
		{"parent directory", func(t *testing.T) []byte { return buildZip(t, zent{name: "ok.pdf"}, zent{name: "../a.pdf", data: "x"}) },
			Limits{}, &UnsafeEntryError{Name: "../a.pdf"}, "压缩包中的“../a.pdf”路径不安全，已拒绝"},
		{"parent inside the path", func(t *testing.T) []byte { return buildZip(t, zent{name: "a/../../b.pdf"}) },
			Limits{}, &UnsafeEntryError{Name: "a/../../b.pdf"}, ""},
		{"windows parent", func(t *testing.T) []byte { return buildZip(t, zent{name: `..\evil.pdf`}) },
			Limits{}, &UnsafeEntryError{Name: `..\evil.pdf`}, ""},
		{"absolute", func(t *testing.T) []byte { return buildZip(t, zent{name: "/etc/cron.d/x"}) },
			Limits{}, &UnsafeEntryError{Name: "/etc/cron.d/x"}, ""},
		{"drive letter", func(t *testing.T) []byte { return buildZip(t, zent{name: "C:/Windows/x.pdf"}) },
			Limits{}, &UnsafeEntryError{Name: "C:/Windows/x.pdf"}, ""},
		{"traversal in a skipped folder", func(t *testing.T) []byte { return buildZip(t, zent{name: "__MACOSX/../../x"}) },
			Limits{}, &UnsafeEntryError{Name: "__MACOSX/../../x"}, ""},
		{"GBK traversal", func(t *testing.T) []byte { return buildZip(t, zent{name: gbk(t, "../报告.pdf"), nonUTF8: true}) },
			Limits{}, &UnsafeEntryError{Name: "../报告.pdf"}, ""},
		{"symlink", func(t *testing.T) []byte {
			return buildZip(t, zent{name: "report.pdf", data: "/etc/passwd", mode: fs.ModeSymlink | 0o777})
		}, Limits{}, &UnsafeEntryError{Name: "report.pdf", Link: true}, "压缩包中的“report.pdf”是符号链接，已拒绝"},
		{"encrypted", func(t *testing.T) []byte {
			return buildZip(t, zent{name: "a.pdf", data: "secret", flags: 0x1, method: zip.Store})
		}, Limits{}, &EncryptedEntryError{Name: "a.pdf"}, "压缩包中的“a.pdf”已加密，无法读取，请上传未加密的压缩包"},
		{"unsupported method", func(t *testing.T) []byte {
			return buildZip(t, zent{name: "a.pdf", data: "lzma", method: 14})
		}, Limits{}, &ArchiveError{Name: "a.pdf", Err: errMethod}, "压缩包中的“a.pdf”使用了不支持的压缩方式，请用标准 ZIP（Deflate）重新压缩"},
		{"too many files", func(t *testing.T) []byte {
			return buildZip(t, zent{name: "1.pdf"}, zent{name: "2.pdf"}, zent{name: "d/", mode: fs.ModeDir | 0o755}, zent{name: "3.pdf"}, zent{name: "4.pdf"})
		}, small, &TooManyFilesError{Count: 5, Max: 4}, "压缩包含 5 个条目，超过 4 个的上限，已拒绝"},
		{"declared file over MaxFile", func(t *testing.T) []byte { return buildZip(t, zent{name: "big.txt", data: kb + kb}) },
			small, &BombError{Name: "big.txt", Limit: BombFile, Max: 1000, Declared: true}, "压缩包中的“big.txt”解压后超过 1000 字节 的单个文件上限，已拒绝"},
		{"declared total over MaxTotal", func(t *testing.T) []byte {
			return buildZip(t, zent{name: "1.txt", data: kb}, zent{name: "2.txt", data: kb}, zent{name: "3.txt", data: kb})
		}, small, &BombError{Name: "3.txt", Limit: BombTotal, Max: 2500, Declared: true}, ""},
		{"200 MB of zeros, honest header", func(*testing.T) []byte { return honestBomb() },
			Limits{}, &BombError{Name: "zeros.txt", Limit: BombFile, Max: 50 << 20, Declared: true}, "压缩包中的“zeros.txt”解压后超过 50 MB 的单个文件上限，已拒绝"},
		{"200 MB of zeros under a header declaring 1000 bytes", func(*testing.T) []byte { return lyingBomb() },
			Limits{}, &BombError{Name: "zeros.txt", Limit: BombMismatch, Max: 1000}, "压缩包中的“zeros.txt”解压后大于其声明的大小，压缩包异常，已拒绝"},
		{"ratio", func(t *testing.T) []byte {
			return buildZip(t, zent{name: "blank.txt", data: strings.Repeat(" ", 4<<20)})
		},
			Limits{}, &BombError{Name: "blank.txt", Limit: BombRatio, Max: 200, Declared: true}, ""},
		{"not a zip", func(*testing.T) []byte { return []byte("%PDF-1.7 this is no archive") },
			Limits{}, &ArchiveError{Err: zip.ErrFormat}, "文件不是可读取的 ZIP 压缩包（可能已损坏或不完整）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := tt.zip(t)
			got, err := Unzip(bytes.NewReader(z), int64(len(z)), tt.lim)
			if got != nil {
				t.Errorf("returned %d files with the error, want none", len(got))
			}
			if err == nil {
				t.Fatal("no error")
			}
			if reflect.TypeOf(err) != reflect.TypeOf(tt.want) {
				t.Fatalf("error %T (%v), want %T", err, err, tt.want)
			}
			if ae, ok := err.(*ArchiveError); ok {
				if want := tt.want.(*ArchiveError); ae.Name != want.Name || !errors.Is(ae, want.Err) {
					t.Errorf("error %#v, want %#v", ae, want)
				}
			} else if !reflect.DeepEqual(err, tt.want) {
				t.Errorf("error %#v, want %#v", err, tt.want)
			}
			zh := err.(interface{ Zh() string }).Zh()
			if tt.wantZh != "" && zh != tt.wantZh {
				t.Errorf("Zh() = %q, want %q", zh, tt.wantZh)
			}
			if zh == "" || err.Error() == "" {
				t.Errorf("empty message: %q / %q", zh, err.Error())
			}
		})
	}
}

// TestUnzipTruncated: a truncated archive is an error, not a panic or a
// partial result.
func TestUnzipTruncated(t *testing.T) {
	z := buildZip(t, zent{name: "a.pdf", data: strings.Repeat("x", 5000)}, zent{name: "b.pdf", data: "y"})
	for _, n := range []int{0, 10, len(z) / 2, len(z) - 1} {
		got, err := Unzip(bytes.NewReader(z[:n]), int64(n), DefaultLimits())
		var ae *ArchiveError
		if got != nil || !errors.As(err, &ae) {
			t.Errorf("%d bytes: got %d files, error %v; want an *ArchiveError", n, len(got), err)
		}
	}
}

func FuzzUnzip(f *testing.F) {
	f.Add(buildZip(f, zent{name: "a.pdf", data: "A"}, zent{name: "d/b.docx", data: "B"}))
	f.Add(buildZip(f, zent{name: gbk(f, "报告.pdf"), nonUTF8: true, data: "x"}, zent{name: "__MACOSX/._x", data: "y"}))
	f.Add(buildZip(f, zent{name: "../x", data: "x"}))
	f.Add(buildZip(f, zent{name: "s", data: strings.Repeat("0", 3000)}))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	lim := Limits{MaxFile: 2000, MaxFiles: 8, MaxTotal: 5000, MaxRatio: 10}
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := Unzip(bytes.NewReader(data), int64(len(data)), lim)
		if err != nil {
			if files != nil {
				t.Fatal("files returned with an error")
			}
			if z, ok := err.(interface{ Zh() string }); !ok || z.Zh() == "" {
				t.Fatalf("error %T without a Chinese message", err)
			}
			return
		}
		if len(files) > lim.MaxFiles {
			t.Fatalf("%d files", len(files))
		}
		var total int64
		for _, f := range files {
			total += int64(len(f.Data))
			if int64(len(f.Data)) > lim.MaxFile {
				t.Fatalf("%s: %d bytes", f.Name, len(f.Data))
			}
			if f.Name == "" || strings.ContainsAny(f.Name, "/\\\x00") || strings.HasPrefix(f.Name, ".") || !utf8Valid(f.Name) {
				t.Fatalf("bad name %q", f.Name)
			}
		}
		if total > lim.MaxTotal {
			t.Fatalf("%d bytes in all", total)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }
