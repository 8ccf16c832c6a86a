package intake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// FetchOptions configure a Fetcher. A zero field takes its default.
type FetchOptions struct {
	// Allow lists networks that may be reached although they are blocked
	// (an intranet portal, or 127.0.0.0/8 in tests).
	Allow        []netip.Prefix
	MaxBytes     int64         // body bytes; default 50 MB
	Timeout      time.Duration // the whole download, redirects and body included; default 60 s
	MaxRedirects int           // default 5; negative: follow none
	UserAgent    string        // default "ogi/<version> (+https://github.com/ogi-checker/ogi)"
}

// Fetcher downloads reports from URLs an office pastes, and refuses to be
// turned against the server's own networks: every connection's address is
// checked when it is dialled, after name resolution, so a redirect or a DNS
// answer that changes between look-ups cannot reach a blocked address.
// Environment proxies are not used (the check would then see only the
// proxy). A Fetcher is safe for concurrent use.
type Fetcher struct {
	opts   FetchOptions
	client *http.Client
}

// NewFetcher returns a Fetcher with o's settings.
func NewFetcher(o FetchOptions) *Fetcher {
	if o.MaxBytes <= 0 {
		o.MaxBytes = 50 << 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = 5
	} else if o.MaxRedirects < 0 {
		o.MaxRedirects = 0
	}
	if o.UserAgent == "" {
		o.UserAgent = "ogi/" + version() + " (+https://github.com/ogi-checker/ogi)"
	}
	o.Allow = append([]netip.Prefix(nil), o.Allow...)
	f := &Fetcher{opts: o}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            f.dial,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           16,
		IdleConnTimeout:        30 * time.Second,
		TLSHandshakeTimeout:    15 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 1 << 20,
	}
	f.client = &http.Client{
		Transport: tr,
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return &BadURLError{URL: req.URL.String(), Redirect: true}
			}
			if len(via) > o.MaxRedirects {
				return &TooManyRedirectsError{URL: via[0].URL.String(), Max: o.MaxRedirects}
			}
			req.Header.Set("User-Agent", o.UserAgent)
			return nil
		},
	}
	return f
}

// dial connects through a Dialer whose Control sees the resolved address
// of each attempt, the only point at which the address cannot change any
// more.
func (f *Fetcher) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	d := net.Dialer{
		Timeout:   30 * time.Second,
		KeepAlive: 30 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("intake: unexpected dial address %q", address)
			}
			ip := ap.Addr().Unmap()
			if Blocked(ip) && !f.allowed(ip) {
				return &BlockedAddressError{Host: host, IP: ip}
			}
			return nil
		},
	}
	return d.DialContext(ctx, network, addr)
}

func (f *Fetcher) allowed(ip netip.Addr) bool {
	for _, p := range f.opts.Allow {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// blockedNets are the ranges netip's predicates do not name.
var blockedNets = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast address
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use IPv4/IPv6 translation
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated, still routed inside some networks)
}

// Blocked reports whether downloads must not reach ip: loopback, private
// (including IPv6 unique-local), link-local (the cloud metadata address
// 169.254.169.254 among them), unspecified, multicast, carrier-grade NAT,
// and the reserved and documentation ranges. IPv4-mapped IPv6 addresses are
// judged as the IPv4 address.
func Blocked(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() ||
		ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
		return true
	}
	for _, p := range blockedNets {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Fetch downloads rawURL (http or https) and returns its body, named from
// the Content-Disposition header, else the URL's last path element, else
// "download", with an extension from the Content-Type when the name has
// none (or a server-script one such as .jsp). The body is returned as sent:
// a GBK page stays GBK, for the readers to detect.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (File, error) {
	rawURL = strings.TrimSpace(rawURL)
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return File{}, &BadURLError{URL: rawURL}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return File{}, &BadURLError{URL: rawURL}
	}
	req.Header.Set("User-Agent", f.opts.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,*/*;q=0.8")
	resp, err := f.client.Do(req)
	if err != nil {
		return File{}, f.fetchErr(ctx, rawURL, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return File{}, &HTTPStatusError{URL: rawURL, Status: resp.StatusCode}
	}
	if resp.ContentLength > f.opts.MaxBytes {
		return File{}, &TooLargeError{Name: clip(rawURL), Limit: f.opts.MaxBytes}
	}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, f.opts.MaxBytes+1))
	if n > f.opts.MaxBytes {
		return File{}, &TooLargeError{Name: clip(rawURL), Limit: f.opts.MaxBytes}
	}
	if err != nil {
		return File{}, f.fetchErr(ctx, rawURL, err)
	}
	name := responseName(resp)
	return File{Name: name, Data: buf.Bytes()}, nil
}

// fetchErr turns the client's error into this package's types; the typed
// errors from the dialer and CheckRedirect come through url.Error.
func (f *Fetcher) fetchErr(ctx context.Context, rawURL string, err error) error {
	var blocked *BlockedAddressError
	var bad *BadURLError
	var redirects *TooManyRedirectsError
	switch {
	case errors.As(err, &blocked):
		return blocked
	case errors.As(err, &bad):
		return bad
	case errors.As(err, &redirects):
		return redirects
	}
	if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ctx.Err() // the caller gave up: not the URL's fault
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return &TimeoutError{URL: rawURL, After: f.opts.Timeout}
	}
	return &FetchError{URL: rawURL, Err: err}
}

// responseName names a download (see Fetch).
func responseName(resp *http.Response) string {
	name := dispositionName(resp.Header.Get("Content-Disposition"))
	if name == "" && resp.Request != nil && resp.Request.URL != nil {
		// The final URL, after redirects: /download?id=3 often redirects to
		// the file's real name.
		name = baseName(path.Base(resp.Request.URL.Path))
		if name == "/" {
			name = ""
		}
	}
	if name == "" {
		name = "download"
	}
	ext := strings.ToLower(extOf(name))
	if ext == "" || scriptExt[ext] {
		ctExt := typeExt(resp.Header.Get("Content-Type"))
		if ctExt == "" && name == "download" {
			ctExt = ".html"
		}
		if ctExt != "" {
			name = strings.TrimSuffix(name, extOf(name)) + ctExt
			name = baseName(name)
		}
	}
	return name
}

// scriptExt are extensions of the program that made a page, not of what
// it sent.
var scriptExt = map[string]bool{
	".jsp": true, ".jspx": true, ".asp": true, ".aspx": true, ".php": true, ".do": true,
	".action": true, ".cgi": true, ".pl": true, ".py": true, ".ashx": true, ".jhtml": true,
}

// typeExt maps a Content-Type to an extension from a fixed table (the
// system's mime.types would make names differ between machines).
func typeExt(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
	}
	switch mt {
	case "text/html", "application/xhtml+xml":
		return ".html"
	case "text/plain":
		return ".txt"
	case "application/pdf", "application/x-pdf":
		return ".pdf"
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return ".docx"
	case "application/msword":
		return ".doc"
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return ".xlsx"
	case "application/vnd.ms-excel":
		return ".xls"
	case "application/json":
		return ".json"
	case "application/zip", "application/x-zip-compressed":
		return ".zip"
	case "application/ofd":
		return ".ofd"
	case "application/rtf", "text/rtf":
		return ".rtf"
	case "application/vnd.oasis.opendocument.text":
		return ".odt"
	}
	return ""
}

// dispositionName is the file name of a Content-Disposition header: the
// RFC 5987 filename* when present (mime.ParseMediaType decodes it), else
// filename. Chinese servers also send raw GBK or UTF-8 bytes, and
// percent-encoded UTF-8 in a plain filename; all three are decoded.
func dispositionName(h string) string {
	if h == "" {
		return ""
	}
	if !utf8.ValidString(h) {
		if dec, err := simplifiedchinese.GB18030.NewDecoder().String(h); err == nil {
			h = dec
		}
	}
	var name string
	if _, params, err := mime.ParseMediaType(h); err == nil {
		name = params["filename"]
	} else {
		name = looseFilename(h)
	}
	if strings.Contains(name, "%") {
		if un, err := url.PathUnescape(name); err == nil && utf8.ValidString(un) {
			name = un
		}
	}
	return baseName(name)
}

// looseFilename digs filename out of a header mime.ParseMediaType
// rejects (unquoted spaces, a missing type): attachment; filename=年报 2023.pdf
func looseFilename(h string) string {
	lower := strings.ToLower(h)
	i := strings.Index(lower, "filename=")
	if i < 0 {
		return ""
	}
	v := strings.TrimSpace(h[i+len("filename="):])
	if strings.HasPrefix(v, `"`) {
		v = v[1:]
		if j := strings.IndexByte(v, '"'); j >= 0 {
			v = v[:j]
		}
		return v
	}
	if j := strings.IndexByte(v, ';'); j >= 0 {
		v = v[:j]
	}
	return strings.TrimSpace(v)
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
