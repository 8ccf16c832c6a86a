package intake

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"time"
)

// Every error this package returns for bad input is one of the types below
// (possibly wrapped). Error gives the English text for logs and the API; Zh
// gives the sentence an officer reads on the page, so that the server does
// not have to know what each refusal means.

// TooLargeError means a blob or a download exceeded its byte limit. Reading
// stopped at Limit+1 bytes, so nothing past the limit was kept.
type TooLargeError struct {
	Name  string // file or URL; "" when not known
	Limit int64
}

func (e *TooLargeError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("file is larger than the limit of %s", sizeEn(e.Limit))
	}
	return fmt.Sprintf("%s is larger than the limit of %s", e.Name, sizeEn(e.Limit))
}

// Zh is the officer's sentence.
func (e *TooLargeError) Zh() string {
	if e.Name == "" {
		return fmt.Sprintf("文件超过 %s 的大小上限，已拒绝", sizeZh(e.Limit))
	}
	return fmt.Sprintf("“%s”超过 %s 的大小上限，已拒绝", e.Name, sizeZh(e.Limit))
}

// InvalidHashError means a blob hash that is not 64 lowercase hexadecimal
// digits. It is refused before any path is built from it.
type InvalidHashError struct{ Hash string }

func (e *InvalidHashError) Error() string {
	return fmt.Sprintf("%q is not a sha256 hash (64 lowercase hexadecimal digits)", clip(e.Hash))
}

// Zh is the officer's sentence.
func (e *InvalidHashError) Zh() string {
	return fmt.Sprintf("“%s”不是有效的文件编号", clip(e.Hash))
}

// ArchiveError means the archive, or one entry of it, cannot be read (not a zip,
// truncated, corrupt, an unsupported compression method). Name is the entry,
// "" for the archive as a whole.
type ArchiveError struct {
	Name string
	Err  error
}

func (e *ArchiveError) Error() string {
	if e.Name == "" {
		return "not a readable zip archive: " + e.Err.Error()
	}
	return fmt.Sprintf("zip entry %q cannot be read: %v", e.Name, e.Err)
}

func (e *ArchiveError) Unwrap() error { return e.Err }

// Zh is the officer's sentence.
func (e *ArchiveError) Zh() string {
	if e.Name == "" {
		return "文件不是可读取的 ZIP 压缩包（可能已损坏或不完整）"
	}
	if errors.Is(e.Err, errMethod) {
		return fmt.Sprintf("压缩包中的“%s”使用了不支持的压缩方式，请用标准 ZIP（Deflate）重新压缩", e.Name)
	}
	return fmt.Sprintf("压缩包中的“%s”无法解压（可能已损坏）", e.Name)
}

// UnsafeEntryError means an entry whose name is absolute or climbs out of the
// archive (".."), or that is a symbolic link. The whole archive is refused:
// an archive built to write outside its folder is not an honest upload.
type UnsafeEntryError struct {
	Name string
	Link bool // a symbolic link (the name itself may be harmless)
}

func (e *UnsafeEntryError) Error() string {
	if e.Link {
		return fmt.Sprintf("zip entry %q is a symbolic link; archive refused", e.Name)
	}
	return fmt.Sprintf("zip entry %q has an unsafe path (absolute or with ..); archive refused", e.Name)
}

// Zh is the officer's sentence.
func (e *UnsafeEntryError) Zh() string {
	if e.Link {
		return fmt.Sprintf("压缩包中的“%s”是符号链接，已拒绝", e.Name)
	}
	return fmt.Sprintf("压缩包中的“%s”路径不安全，已拒绝", e.Name)
}

// EncryptedEntryError means a password-protected entry; ogi cannot read it.
type EncryptedEntryError struct{ Name string }

func (e *EncryptedEntryError) Error() string {
	return fmt.Sprintf("zip entry %q is encrypted; archive refused", e.Name)
}

// Zh is the officer's sentence.
func (e *EncryptedEntryError) Zh() string {
	return fmt.Sprintf("压缩包中的“%s”已加密，无法读取，请上传未加密的压缩包", e.Name)
}

// TooManyFilesError means an archive with more entries than Limits.MaxFiles.
type TooManyFilesError struct{ Count, Max int }

func (e *TooManyFilesError) Error() string {
	return fmt.Sprintf("zip archive has %d entries, more than the limit of %d", e.Count, e.Max)
}

// Zh is the officer's sentence.
func (e *TooManyFilesError) Zh() string {
	return fmt.Sprintf("压缩包含 %d 个条目，超过 %d 个的上限，已拒绝", e.Count, e.Max)
}

// BombLimit names the limit a zip bomb ran into.
type BombLimit string

// The limits of Limits, and a size larger than the entry's header declared.
const (
	BombFile     BombLimit = "file"     // one entry over MaxFile
	BombTotal    BombLimit = "total"    // all entries together over MaxTotal
	BombRatio    BombLimit = "ratio"    // uncompressed/compressed over MaxRatio
	BombMismatch BombLimit = "mismatch" // inflated past the size its header declared
)

// BombError means an archive that inflates to more than the limits allow.
// Declared is true when the header already said so (nothing was inflated),
// false when the bytes were counted while inflating.
type BombError struct {
	Name     string
	Limit    BombLimit
	Max      int64 // the limit: bytes, or the ratio for BombRatio, or the declared size for BombMismatch
	Declared bool
}

func (e *BombError) Error() string {
	how := "counted while inflating"
	if e.Declared {
		how = "declared in its header"
	}
	switch e.Limit {
	case BombTotal:
		return fmt.Sprintf("zip archive inflates to more than the limit of %s in total (%s at %q); archive refused", sizeEn(e.Max), how, e.Name)
	case BombRatio:
		return fmt.Sprintf("zip entry %q inflates more than %d times its compressed size (%s); archive refused", e.Name, e.Max, how)
	case BombMismatch:
		return fmt.Sprintf("zip entry %q inflates past the %d bytes its header declares; archive refused", e.Name, e.Max)
	}
	return fmt.Sprintf("zip entry %q inflates to more than the limit of %s (%s); archive refused", e.Name, sizeEn(e.Max), how)
}

// Zh is the officer's sentence.
func (e *BombError) Zh() string {
	switch e.Limit {
	case BombTotal:
		return fmt.Sprintf("压缩包解压后总大小超过 %s 的上限（在“%s”处），已拒绝", sizeZh(e.Max), e.Name)
	case BombRatio:
		return fmt.Sprintf("压缩包中的“%s”解压后超过压缩大小的 %d 倍，疑似压缩炸弹，已拒绝", e.Name, e.Max)
	case BombMismatch:
		return fmt.Sprintf("压缩包中的“%s”解压后大于其声明的大小，压缩包异常，已拒绝", e.Name)
	}
	return fmt.Sprintf("压缩包中的“%s”解压后超过 %s 的单个文件上限，已拒绝", e.Name, sizeZh(e.Max))
}

// BadURLError means a URL that cannot be parsed or is not http or https — given
// directly or as the target of a redirect.
type BadURLError struct {
	URL      string
	Redirect bool // the URL was a redirect's target
}

func (e *BadURLError) Error() string {
	if e.Redirect {
		return fmt.Sprintf("redirect to %q refused: only http and https URLs are fetched", clip(e.URL))
	}
	return fmt.Sprintf("%q is not an http or https URL", clip(e.URL))
}

// Zh is the officer's sentence.
func (e *BadURLError) Zh() string {
	if e.Redirect {
		return fmt.Sprintf("网址跳转到“%s”，不是 http 或 https 网址，已拒绝", clip(e.URL))
	}
	return fmt.Sprintf("“%s”不是有效的 http 或 https 网址", clip(e.URL))
}

// BlockedAddressError means the host resolved to an address on the server's own
// networks (loopback, private, link-local, ...), which downloads must not
// reach. Checked when each connection is dialled, so it also covers
// redirects and a DNS answer that changes between look-ups.
type BlockedAddressError struct {
	Host string // as written in the URL (or the redirect), without the port
	IP   netip.Addr
}

func (e *BlockedAddressError) Error() string {
	if e.Host == "" || e.Host == e.IP.String() {
		return fmt.Sprintf("address %s is on an internal network; download refused", e.IP)
	}
	return fmt.Sprintf("%s resolves to %s, an internal network address; download refused", e.Host, e.IP)
}

// Zh is the officer's sentence.
func (e *BlockedAddressError) Zh() string {
	if e.Host == "" || e.Host == e.IP.String() {
		return fmt.Sprintf("地址 %s 属于内部网络，不允许下载", e.IP)
	}
	return fmt.Sprintf("“%s”指向内部网络地址 %s，不允许下载", e.Host, e.IP)
}

// TooManyRedirectsError means more redirects than FetchOptions.MaxRedirects.
type TooManyRedirectsError struct {
	URL string
	Max int
}

func (e *TooManyRedirectsError) Error() string {
	return fmt.Sprintf("%s: more than %d redirects", clip(e.URL), e.Max)
}

// Zh is the officer's sentence.
func (e *TooManyRedirectsError) Zh() string {
	return fmt.Sprintf("“%s”跳转超过 %d 次，已停止下载", clip(e.URL), e.Max)
}

// HTTPStatusError means the server answered with a status other than 2xx.
type HTTPStatusError struct {
	URL    string
	Status int
}

func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("%s: the server answered %d %s", clip(e.URL), e.Status, http.StatusText(e.Status))
}

// Zh is the officer's sentence.
func (e *HTTPStatusError) Zh() string {
	what := ""
	switch {
	case e.Status == http.StatusNotFound || e.Status == http.StatusGone:
		what = "（页面不存在）"
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		what = "（无权访问）"
	case e.Status >= 500:
		what = "（服务器错误）"
	}
	return fmt.Sprintf("下载“%s”失败：服务器返回 %d%s", clip(e.URL), e.Status, what)
}

// TimeoutError means the download did not finish within FetchOptions.Timeout.
type TimeoutError struct {
	URL   string
	After time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s: not downloaded within %s", clip(e.URL), e.After)
}

// Zh is the officer's sentence.
func (e *TimeoutError) Zh() string {
	return fmt.Sprintf("下载“%s”超时（%s 内未完成）", clip(e.URL), durationZh(e.After))
}

// FetchError means any other failure to download (no such host, connection
// refused, TLS failure, the connection broke).
type FetchError struct {
	URL string
	Err error
}

func (e *FetchError) Error() string { return fmt.Sprintf("%s: %v", clip(e.URL), e.Err) }

func (e *FetchError) Unwrap() error { return e.Err }

// Zh is the officer's sentence.
func (e *FetchError) Zh() string {
	return fmt.Sprintf("无法下载“%s”（无法连接或连接中断）", clip(e.URL))
}

// clip keeps an attacker-chosen string in a message short.
func clip(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	r := []rune(s)
	if len(r) <= max/2 {
		return s
	}
	return string(r[:max/2]) + "…"
}

func sizeEn(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func sizeZh(n int64) string {
	s := sizeEn(n)
	if len(s) > 6 && s[len(s)-6:] == " bytes" {
		return s[:len(s)-6] + " 字节"
	}
	return s
}

func durationZh(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		return fmt.Sprintf("%d 秒", d/time.Second)
	}
	return d.String()
}
