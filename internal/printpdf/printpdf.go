// Package printpdf prints HTML pages to PDF with headless Chromium and
// converts Word documents to PDF with LibreOffice, the two ways the rendered
// test corpus is made. It keeps one browser for many pages, because starting
// Chromium costs more than printing a report.
package printpdf

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ErrNoChromium and ErrNoSoffice say which program is missing, so that a
// test can skip (or, in CI, fail) with a message that names the package.
var (
	ErrNoChromium = errors.New("no Chromium found (apt-get install chromium, or set OGI_CHROMIUM)")
	ErrNoSoffice  = errors.New("no LibreOffice found (apt-get install libreoffice-writer-nogui, or set OGI_SOFFICE)")
)

// Font is the family the rendered corpus is printed in: a TrueType CJK
// font (Debian fonts-wqy-microhei) that Chromium and LibreOffice both embed
// as a small subset, as Word and WPS do. Chromium embeds the OpenType Noto
// CJK fonts as Type 3 glyph programs, three times the size.
const Font = "WenQuanYi Micro Hei"

// Chromium finds a Chromium binary: OGI_CHROMIUM, else the usual names.
func Chromium() string {
	return find("OGI_CHROMIUM", "chromium", "chromium-browser", "google-chrome")
}

// Soffice finds LibreOffice: OGI_SOFFICE, else soffice or libreoffice.
func Soffice() string {
	return find("OGI_SOFFICE", "soffice", "libreoffice")
}

func find(env string, names ...string) string {
	if p := os.Getenv(env); p != "" {
		return p
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// Browser is one headless Chromium that prints page after page.
type Browser struct {
	ctx     context.Context
	cancel  func()
	dataDir string
}

// NewBrowser starts Chromium. The flags keep it off the network and out of
// the user's profile, as the dashboard tests do.
func NewBrowser(ctx context.Context) (*Browser, error) {
	bin := Chromium()
	if bin == "" {
		return nil, ErrNoChromium
	}
	dir, err := os.MkdirTemp("", "ogi-chromium-*")
	if err != nil {
		return nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-extensions", true),
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	b := &Browser{ctx: bctx, dataDir: dir, cancel: func() { bcancel(); acancel() }}
	// The first action starts the browser: do it now so that a broken
	// Chromium fails here, not in the middle of a corpus.
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		b.Close()
		return nil, fmt.Errorf("chromium: %w", err)
	}
	return b, nil
}

// Close stops the browser and removes its profile.
func (b *Browser) Close() {
	b.cancel()
	_ = os.RemoveAll(b.dataDir)
}

// PrintHTML prints one page on A4 with no header or footer (the file
// name and date Chromium would print there are not part of a report).
func (b *Browser) PrintHTML(html []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	var pdf []byte
	err := chromedp.Do(ctx,
		chromedp.Navigate("about:blank"),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
			if err != nil {
				return err
			}
			_, err = chromedp.Call(ctx, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: string(html)})
			return err
		}),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			out, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
			pdf = out
			return err
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("chromium: %w", err)
	}
	return Stable(pdf), nil
}

// ConvertDOCX converts a Word document to PDF with LibreOffice.
func ConvertDOCX(ctx context.Context, docx []byte) ([]byte, error) {
	pdfs, err := ConvertDOCXs(ctx, [][]byte{docx})
	if err != nil {
		return nil, err
	}
	return pdfs[0], nil
}

// ConvertDOCXs converts many Word documents with one LibreOffice, which
// takes seconds to start and a fraction of one per document. Each call
// uses its own profile, so that a desktop LibreOffice of the user's (or a
// second conversion running at the same time) does not take the job.
func ConvertDOCXs(ctx context.Context, docxs [][]byte) ([][]byte, error) {
	bin := Soffice()
	if bin == "" {
		return nil, ErrNoSoffice
	}
	dir, err := os.MkdirTemp("", "ogi-soffice-*")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	names := make([]string, len(docxs))
	for i, d := range docxs {
		names[i] = filepath.Join(dir, fmt.Sprintf("%06d.docx", i))
		if err := os.WriteFile(names[i], d, 0o644); err != nil {
			return nil, err
		}
	}
	pdfs := make([][]byte, len(docxs))
	todo := names
	// One LibreOffice run stops writing after a couple of hundred
	// documents (seen at 246), so the documents go in chunks; any it still
	// skipped get one more run.
	const chunk = 100
	for try := 0; try < 2 && len(todo) > 0; try++ {
		var missing []string
		for start := 0; start < len(todo); start += chunk {
			part := todo[start:min(start+chunk, len(todo))]
			out, err := runSoffice(ctx, bin, dir, part)
			if err != nil {
				return nil, err
			}
			for _, in := range part {
				var i int
				if _, err := fmt.Sscanf(filepath.Base(in), "%06d.docx", &i); err != nil {
					return nil, err
				}
				pdf, err := os.ReadFile(strings.TrimSuffix(in, ".docx") + ".pdf")
				if err != nil {
					if try == 1 {
						return nil, fmt.Errorf("soffice wrote no PDF for document %d: %s", i+1, out)
					}
					missing = append(missing, in)
					continue
				}
				pdfs[i] = Stable(pdf)
			}
		}
		todo = missing
	}
	return pdfs, nil
}

// runSoffice converts the files with one LibreOffice into dir and returns
// what it printed.
func runSoffice(ctx context.Context, bin, dir string, files []string) ([]byte, error) {
	args := append([]string{"-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--norestore", "--convert-to", "pdf", "--outdir", dir}, files...)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute+time.Duration(len(files))*5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("soffice: %v: %s", err, bytes.TrimSpace(out.Bytes()))
	}
	return bytes.TrimSpace(out.Bytes()), nil
}

var (
	rePDFDate = regexp.MustCompile(`\(D:\d{14}[^)]*\)`)
	reXMPDate = regexp.MustCompile(`(<xmp:(?:CreateDate|ModifyDate|MetadataDate)>)[^<]*(</xmp:)`)
	rePDFID   = regexp.MustCompile(`/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]`)
	// LibreOffice's checksum of the file as it wrote it, dates included.
	reDocChecksum = regexp.MustCompile(`/DocChecksum\s*/([0-9A-Fa-f]+)`)
)

// Stable removes what makes two printings of the same page differ — the
// creation and modification dates and the file identifier — so that the
// corpus tool writes the same bytes for the same input. Every replacement
// has the length of what it replaces: the cross-reference offsets stay
// right.
func Stable(pdf []byte) []byte {
	pdf = rePDFDate.ReplaceAllFunc(pdf, func(m []byte) []byte {
		return fixed(m, "(D:20000101000000")
	})
	pdf = reXMPDate.ReplaceAllFunc(pdf, func(m []byte) []byte {
		s := reXMPDate.FindSubmatchIndex(m)
		inner := m[s[3]:s[4]]
		out := append([]byte{}, m[:s[3]]...)
		out = append(out, fixed(inner, "2000-01-01T00:00:00")...)
		return append(out, m[s[4]:]...)
	})
	// The identifier and checksum are derived from the rest of the file,
	// so that they still differ between different files.
	sum := sha256.Sum256(reDocChecksum.ReplaceAll(rePDFID.ReplaceAll(pdf, nil), nil))
	id := hex.EncodeToString(sum[:])
	hexFill := func(re *regexp.Regexp) func([]byte) []byte {
		return func(m []byte) []byte {
			s := re.FindSubmatchIndex(m)
			out := append([]byte{}, m...)
			for g := 2; g+1 < len(s); g += 2 {
				for i := s[g]; i < s[g+1]; i++ {
					out[i] = id[(i-s[g])%len(id)]
				}
			}
			return out
		}
	}
	pdf = rePDFID.ReplaceAllFunc(pdf, hexFill(rePDFID))
	return reDocChecksum.ReplaceAllFunc(pdf, hexFill(reDocChecksum))
}

// fixed overwrites the start of m with prefix and pads with the characters
// a date allows (digits), keeping the length and the closing delimiter.
func fixed(m []byte, prefix string) []byte {
	out := append([]byte{}, m...)
	n := copy(out, prefix)
	for i := n; i < len(out); i++ {
		switch out[i] {
		case ')', '\'', '+', '-', 'Z', ':', 'T':
		default:
			out[i] = '0'
		}
	}
	return out
}
