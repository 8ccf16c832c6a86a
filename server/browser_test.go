package server

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/ogi-checker/ogi/internal/printpdf"
)

// screens makes TestBrowserFlow write its screenshots where they are
// checked in (testdata/screens/), to be looked at after a change to the
// pages: go test ./server/ -run Browser -screens
var screens = flag.Bool("screens", false, "write the browser test's screenshots to testdata/screens/")

// maxScreen is the most a checked-in screenshot may weigh: a longer page
// is shown from its top.
const maxScreen = 400 << 10

// ui is one headless Chromium on the test server, with what the pages
// wrote to the console kept for the test to fail on.
type ui struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string // where the screenshots go

	mu       sync.Mutex
	console  []string // errors the pages logged or threw, not yet reported
	page     string   // the page the test is on, for the console errors
	visited  map[string]bool
	download string // Chromium's download directory
}

// newUI starts Chromium at 1280 px wide, as printpdf does: headless, no
// sandbox, off the network and out of the user's profile. It skips the
// test when there is no Chromium, unless OGI_REQUIRE_BROWSER=1.
func newUI(t *testing.T, base string) *ui {
	t.Helper()
	bin := printpdf.Chromium()
	if bin == "" {
		if os.Getenv("OGI_REQUIRE_BROWSER") == "1" {
			t.Fatal("OGI_REQUIRE_BROWSER=1 but " + printpdf.ErrNoChromium.Error())
		}
		t.Skip(printpdf.ErrNoChromium.Error())
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true), chromedp.Flag("lang", "zh-CN"),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	// One deadline for the whole walk, so that a page that never comes
	// fails the test instead of hanging it.
	ctx, tcancel := context.WithTimeout(ctx, 10*time.Minute)
	t.Cleanup(func() { tcancel(); cancel(); acancel() })
	u := &ui{t: t, ctx: ctx, base: base, dir: t.TempDir(), visited: map[string]bool{}, download: t.TempDir()}
	if *screens {
		u.dir = filepath.Join("..", "testdata", "screens")
		if err := os.MkdirAll(u.dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	messages := chromedp.Console(ctx)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				u.mu.Lock()
				u.console = append(u.console, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
				u.mu.Unlock()
			}
		}
	}()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: u.download, EventsEnabled: new(true)}); err != nil {
		t.Fatalf("download behaviour: %v", err)
	}
	return u
}

// do runs steps and fails the test, naming what it was doing, when one
// fails.
func (u *ui) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	u.t.Helper()
	if err := chromedp.Do(u.ctx, steps...); err != nil {
		u.t.Fatalf("%s: %s: %v", u.page, what, err)
	}
}

func eval[T any](u *ui, expr string) T {
	u.t.Helper()
	v, err := chromedp.Run(u.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		u.t.Fatalf("%s: %s: %v", u.page, expr, err)
	}
	return v
}

// waitJS waits until expr is true in the page, through reloads (an
// evaluation that fails because the page is being replaced is tried
// again).
func (u *ui) waitJS(what, expr string) {
	u.t.Helper()
	for {
		ok, err := chromedp.Run(u.ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if u.ctx.Err() != nil {
			text, _ := chromedp.Run(context.Background(), chromedp.Evaluate[string]("document.body ? document.body.innerText.slice(0, 2000) : ''"))
			u.t.Fatalf("%s: waiting for %s: %v\n%s", u.page, what, u.ctx.Err(), text)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// open loads a page of the server.
func (u *ui) open(page, path string) {
	u.t.Helper()
	u.page = page
	u.do("open "+path, chromedp.Navigate(u.base+path))
	u.waitJS("the page", "document.readyState === 'complete'")
}

// submit runs an action that leaves the page (a form's button, a link) and
// waits for the next page to be loaded.
func (u *ui) submit(page, what string, action chromedp.Action[chromedp.Void]) {
	u.t.Helper()
	u.do("mark the page", chromedp.Evaluate[chromedp.Void]("window.__ogiOld = true"))
	u.do(what, action)
	u.page = page
	u.waitJS(what+": the next page", "!window.__ogiOld && document.readyState === 'complete'")
}

// path is the address of the page the browser shows, without the host.
func (u *ui) path() string {
	u.t.Helper()
	return strings.TrimPrefix(eval[string](u, "location.href"), u.base)
}

// labelKey finds a label shown by its key (msgText shows a missing key as
// itself): audit_batch.run, verdict_none.
var labelKey = regexp.MustCompile(`(?:^|[^\w.-])([a-z]+_[a-z._]*)(?:$|[^\w.-])`)

// check looks at the page as a person would: in Chinese, no English label
// and no label key; the console clean. Then it takes the screenshot.
func (u *ui) check(name string) {
	u.t.Helper()
	u.visited[name] = true
	text := eval[string](u, "document.body.innerText")
	if m := labelKey.FindStringSubmatch(text); m != nil {
		u.t.Errorf("%s: shows the label key %q", name, m[1])
	}
	if lang := eval[string](u, "document.documentElement.lang"); lang == "zh-CN" {
		for _, w := range []string{"Sign out", "Batches", "Overview", "Review", "Findings", "not reviewed", "Check now", "undefined", "NaN", "null"} {
			if regexp.MustCompile(`\b` + w + `\b`).MatchString(text) {
				u.t.Errorf("%s: the Chinese page shows %q", name, w)
			}
		}
	}
	u.consoleClean()
	u.shot(name)
}

// consoleClean fails the test on what the pages logged as errors.
func (u *ui) consoleClean() {
	u.t.Helper()
	// Messages come on their own goroutine: let the ones the page just
	// wrote arrive.
	_ = eval[bool](u, "true")
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, m := range u.console {
		u.t.Errorf("%s: console: %s", u.page, m)
	}
	u.console = nil
}

// shot writes a full-page screenshot of the page, 1280 px wide, from the
// top (as a person opening it sees it first).
func (u *ui) shot(name string) {
	u.t.Helper()
	u.do("scroll to the top", chromedp.Evaluate[chromedp.Void]("window.scrollTo(0, 0)"))
	b, err := chromedp.Run(u.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		u.t.Fatalf("%s: screenshot: %v", name, err)
	}
	b, cut := fitPNG(u.t, b, maxScreen)
	if cut {
		u.t.Logf("%s: screenshot cut to its first %d KB", name, maxScreen>>10)
	}
	if err := os.WriteFile(filepath.Join(u.dir, name+".png"), b, 0o644); err != nil {
		u.t.Fatal(err)
	}
}

// fitPNG re-encodes Chromium's PNG with the best compression; a page too
// long to fit in limit bytes even so (the review queue of a whole batch)
// keeps its top part.
func fitPNG(t *testing.T, b []byte, limit int) ([]byte, bool) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		t.Fatalf("screenshot: a %T cannot be cut", img)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	r := img.Bounds()
	for cut := false; ; cut = true {
		var out bytes.Buffer
		if err := enc.Encode(&out, sub.SubImage(r)); err != nil {
			t.Fatal(err)
		}
		if out.Len() <= limit || r.Dy() < 200 {
			return out.Bytes(), cut
		}
		r.Max.Y = r.Min.Y + r.Dy()*limit/out.Len()*9/10
	}
}

// downloadBy clicks a download link and returns the file Chromium saved.
func (u *ui) downloadBy(sel string) []byte {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(u.ctx, 3*time.Minute)
	defer cancel()
	events := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	u.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	for ev, err := range events {
		if err != nil {
			u.t.Fatalf("%s: download %s: %v", u.page, sel, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(u.download, ev.GUID))
			if err != nil {
				u.t.Fatal(err)
			}
			return b
		case browser.DownloadProgressStateCanceled:
			u.t.Fatalf("%s: download %s cancelled", u.page, sel)
		}
	}
	u.t.Fatalf("%s: download %s: no file", u.page, sel)
	return nil
}

// TestBrowserFlow is issue #15's office in a real browser: the first
// administrator, sign in, a batch, the corpus uploaded as a zip, the run
// watched to 100%, the overview, a report with its failing cell
// highlighted, one finding dismissed with a reason and another confirmed,
// a re-run that keeps both, the review queue, and the workbook downloaded
// and read back; every page looked at (screenshots) with no console error,
// and one page in English.
func TestBrowserFlow(t *testing.T) {
	if raceEnabled {
		t.Skip("the browser walk runs without -race (go test ./server); its requests run under -race in the API and load tests")
	}
	e := newEnv(t, nil)
	u := newUI(t, e.ts.URL)
	const admin, display = "wang", "王主任"

	// The first administrator, from the link ogi serve prints.
	u.open("setup", e.srv.SetupURL(""))
	u.check("setup")
	u.do("fill the setup form",
		chromedp.SendKeys(chromedp.CSS("input[name=name]"), admin),
		chromedp.SendKeys(chromedp.CSS("input[name=display]"), display),
		chromedp.SendKeys(chromedp.CSS("input[name=password]"), testPassword),
		chromedp.SendKeys(chromedp.CSS("input[name=password2]"), testPassword))
	u.submit("batches", "create the administrator", chromedp.Click(chromedp.CSS("form button[type=submit]")))
	if p := u.path(); p != "/batches" {
		t.Fatalf("after setup: %s", p)
	}

	// Sign out, and in again with the login form.
	u.submit("login", "sign out", chromedp.Click(chromedp.CSS("form[action='/logout'] button")))
	if p := u.path(); p != "/login" {
		t.Fatalf("after logout: %s", p)
	}
	u.check("login")
	u.do("fill the login form",
		chromedp.SendKeys(chromedp.CSS("input[name=name]"), admin),
		chromedp.SendKeys(chromedp.CSS("input[name=password]"), testPassword))
	u.submit("batches", "sign in", chromedp.Click(chromedp.CSS("main form button[type=submit]")))
	if who := eval[string](u, "document.querySelector('.who .user').textContent"); !strings.Contains(who, display) || !strings.Contains(who, "管理员") {
		t.Fatalf("signed in as %q", who)
	}

	// A new batch.
	u.do("name the batch", chromedp.SendKeys(chromedp.CSS("input[name=name]"), "2024 年度区政府及部门年报评估"),
		chromedp.SetValue(chromedp.CSS("input[name=year]"), "2024"))
	u.check("batches")
	u.submit("batch", "create the batch", chromedp.Click(chromedp.CSS("form[action='/batches'] button[type=submit]")))
	batchPath := u.path()
	if !regexp.MustCompile(`^/batches/\d+$`).MatchString(batchPath) {
		t.Fatalf("after creating the batch: %s", batchPath)
	}

	// The corpus as a zip, through the upload form.
	files := corpusFiles(t)
	zipPath := filepath.Join(t.TempDir(), "年报.zip")
	if err := os.WriteFile(zipPath, zipOf(t, files), 0o644); err != nil {
		t.Fatal(err)
	}
	u.do("choose the zip", chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{zipPath}))
	u.submit("batch", "upload", chromedp.Click(chromedp.CSS("#upload")))
	u.waitJS("the uploaded files listed", fmt.Sprintf("document.querySelectorAll('#items tbody tr').length === %d", len(files)))
	if added := eval[string](u, "(document.querySelector('#intake .ok') || {}).textContent || ''"); !strings.Contains(added, fmt.Sprintf("已添加 %d", len(files))) {
		t.Errorf("after the upload the page says %q, want 已添加 %d", added, len(files))
	}
	u.waitJS("the live progress", "!!document.querySelector('#progress-card[data-live]')")
	if txt := eval[string](u, "document.getElementById('progress-text').textContent"); txt != "待运行" {
		t.Errorf("progress text before the run %q, want 待运行", txt)
	}
	u.check("batch-uploaded")

	// Run, and watch the progress to 100%.
	run := func() {
		u.submit("batch", "run", chromedp.Click(chromedp.CSS("#run")))
		u.waitJS("100%", "document.getElementById('progress-text').textContent.startsWith('100%')")
		// The page reloads itself when the run ends; then it links the
		// overview.
		u.waitJS("the run's end", "document.querySelector('#progress-card').dataset.state === 'done' && !!document.querySelector('a[href$=\"/overview\"]:not(nav a)')")
	}
	run()
	if txt := eval[string](u, "document.getElementById('progress-text').textContent"); txt != "100% · 已完成" {
		t.Errorf("progress text %q", txt)
	}
	if run := eval[string](u, "document.getElementById('run').textContent"); run != "重新核查" {
		t.Errorf("run button after a run: %q", run)
	}
	u.check("batch")

	// The overview and its ranking.
	u.submit("overview", "open the overview", chromedp.Click(chromedp.CSS("#progress-card a[href$='/overview']")))
	if n := eval[int](u, "document.querySelectorAll('#ranking tbody tr').length"); n != len(files) {
		t.Errorf("ranking has %d rows for %d reports", n, len(files))
	}
	u.check("overview")
	links := eval[[]string](u, "Array.from(document.querySelectorAll('#ranking tbody a')).map(a => a.getAttribute('href'))")
	names := eval[[]string](u, "Array.from(document.querySelectorAll('#ranking tbody a')).map(a => a.textContent)")

	// A report with a failing cell and two findings to decide. The
	// district's 2024 report comes first: the batch has its 2023 one too,
	// for the comparison.
	order := make([]string, 0, len(links))
	for i, l := range links {
		if strings.Contains(names[i], "hongze") || strings.Contains(names[i], "洪泽") {
			order = append([]string{l}, order...)
		} else {
			order = append(order, l)
		}
	}
	var reportPath string
	for _, l := range order {
		u.open("report", l)
		ok := eval[bool](u, `(() => {
			const forms = document.querySelectorAll('article.finding form.decide');
			const link = Array.from(document.querySelectorAll('article.finding a.cell-link')).find(a => {
				const td = document.getElementById('cell-' + a.dataset.addr);
				return td && td.tagName === 'TD' && (td.classList.contains('bad') || td.classList.contains('error'));
			});
			return forms.length >= 2 && !!link;
		})()`)
		if ok {
			reportPath = l
			break
		}
	}
	if reportPath == "" {
		t.Fatalf("no report among %v has a failing cell and two findings to decide", names)
	}
	bad := eval[string](u, "document.querySelector('td.bad[id^=\"cell-\"], td.error[id^=\"cell-\"]').id")
	if !strings.HasPrefix(bad, "cell-") {
		t.Fatalf("failing cell id %q", bad)
	}
	// Click the finding's cell link: the cell is scrolled to and flashed.
	addr := eval[string](u, `Array.from(document.querySelectorAll('article.finding a.cell-link')).find(a => {
		const td = document.getElementById('cell-' + a.dataset.addr);
		return td && (td.classList.contains('bad') || td.classList.contains('error'));
	}).dataset.addr`)
	u.do("click the cell link", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a.cell-link[data-addr="%s"]`, addr))))
	u.waitJS("the cell flashed", fmt.Sprintf("document.getElementById(%q).classList.contains('flash')", "cell-"+addr))
	u.check("report")

	// Dismiss one finding with a reason, confirm another.
	ids := eval[[]string](u, "Array.from(document.querySelectorAll('article.finding form.decide input[name=finding]')).map(i => i.value)")
	dismissed, confirmed := ids[0], ids[1]
	const reason = "表格系转载上级文件，原文无误"
	decide := func(id, verdict, why string) {
		art := fmt.Sprintf(`article[id="f-%s"] form.decide `, id)
		u.do("choose "+verdict, chromedp.SetValue(chromedp.CSS(art+"select[name=verdict]"), verdict),
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new Event("change"))`, art+"select[name=verdict]")))
		if why != "" {
			u.do("give the reason", chromedp.SendKeys(chromedp.CSS(art+"input[name=reason]"), why))
		}
		u.submit("report", "save "+verdict, chromedp.Click(chromedp.CSS(art+"button[type=submit]")))
		if p := u.path(); !strings.HasPrefix(p, reportPath) {
			t.Fatalf("after the decision: %s", p)
		}
	}
	// A dismissal without a reason is not sent: the browser asks for the
	// reason and the officer stays on the page.
	sel := fmt.Sprintf(`article[id="f-%s"] form.decide `, dismissed)
	u.do("choose dismissed", chromedp.SetValue(chromedp.CSS(sel+"select[name=verdict]"), "dismissed"),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new Event("change"))`, sel+"select[name=verdict]")),
		chromedp.Evaluate[chromedp.Void]("window.__ogiStay = true"),
		chromedp.Click(chromedp.CSS(sel+"button[type=submit]")))
	if !eval[bool](u, fmt.Sprintf(`window.__ogiStay === true && document.querySelector(%q).validity.valueMissing`, sel+"input[name=reason]")) {
		t.Error("a dismissal without a reason left the page, or the reason was not asked for")
	}
	decide(dismissed, "dismissed", reason)
	decide(confirmed, "confirmed", "")
	verdictOf := func(id string) string {
		return eval[string](u, fmt.Sprintf(`document.querySelector('article[id="f-%s"] .verdict').textContent`, id))
	}
	if v := verdictOf(dismissed); v != "不成立" {
		t.Errorf("dismissed finding shows %q", v)
	}
	if v := verdictOf(confirmed); v != "确认" {
		t.Errorf("confirmed finding shows %q", v)
	}
	// The page says the score is the run's until the next check.
	if !eval[bool](u, "!!document.querySelector('p.stale')") {
		t.Error("decisions made after the run, but the report page does not say the score is the run's")
	}

	// A finding read from a PDF page opens that page with its cells boxed.
	if eval[bool](u, "!!document.querySelector('a.page-link')") {
		u.submit("pdfpage", "open the original's page", chromedp.Click(chromedp.CSS("a.page-link")))
		u.waitJS("the page image", "(() => { const i = document.querySelector('.pdfpage img'); return i && i.complete && i.naturalWidth > 0; })()")
		if n := eval[int](u, "document.querySelectorAll('.pdfpage .cellbox').length + document.querySelectorAll('main p.hint').length"); n == 0 {
			t.Error("the page view neither boxes the finding's cells nor says why not")
		}
		u.check("pdfpage")
		u.open("report", reportPath)
	}

	// Re-run: both decisions stay.
	u.open("batch", batchPath)
	run()
	u.open("report", reportPath)
	if v := verdictOf(dismissed); v != "不成立" {
		t.Errorf("after the re-run the dismissed finding shows %q", v)
	}
	if v := verdictOf(confirmed); v != "确认" {
		t.Errorf("after the re-run the confirmed finding shows %q", v)
	}
	if eval[bool](u, "!!document.querySelector('p.stale')") {
		t.Error("after the re-run the page still says the score is stale")
	}
	if note := eval[string](u, fmt.Sprintf(`document.querySelector('article[id="f-%s"] .review-note').textContent`, dismissed)); !strings.Contains(note, reason) || !strings.Contains(note, display) {
		t.Errorf("dismissal note %q", note)
	}
	u.check("report-decided")

	// The previous year's report beside this one, when the batch has it.
	if eval[bool](u, "!!document.querySelector('a[href$=\"/compare\"]')") {
		u.submit("compare", "compare", chromedp.Click(chromedp.CSS("a[href$='/compare']")))
		if n := eval[int](u, "document.querySelectorAll('table').length"); n == 0 {
			t.Error("the comparison has no tables")
		}
		u.check("compare")
	} else if strings.Contains(eval[string](u, "document.querySelector('h1').textContent"), "2024") {
		t.Error("the 2024 report offers no comparison, though the batch has 2023's")
	}

	// The review queue shows both verdicts.
	u.open("findings", batchPath+"/findings")
	queueVerdict := func(id string) string {
		return eval[string](u, fmt.Sprintf(`(() => { const c = document.querySelector('#queue input[value="%s"]'); return c ? c.closest('tr').querySelector('.verdict').textContent : ''; })()`, id))
	}
	if v := queueVerdict(dismissed); v != "不成立" {
		t.Errorf("review queue: dismissed finding shows %q", v)
	}
	if v := queueVerdict(confirmed); v != "确认" {
		t.Errorf("review queue: confirmed finding shows %q", v)
	}
	u.check("findings")
	u.open("findings", batchPath+"/findings?verdict=dismissed")
	if n := eval[int](u, "document.querySelectorAll('#queue tbody tr').length"); n != 1 {
		t.Errorf("review queue filtered to dismissed: %d rows", n)
	}

	// The workbook, downloaded from the tab's link, carries both.
	xlsx := u.downloadBy("nav.tabs a[href$='/export/xlsx']")
	got := reviewColumns(t, xlsx)
	if got[dismissed] != "不成立" || got[confirmed] != "确认" || len(got) != 2 {
		t.Errorf("workbook verdicts: %v", got)
	}

	// The account and administration pages.
	u.open("account", "/account")
	u.check("account")
	u.open("users", "/admin/users")
	u.check("users")
	u.open("audit", "/admin/audit")
	if n := eval[int](u, "document.querySelectorAll('#audit tbody tr').length"); n < 5 {
		t.Errorf("audit log has %d entries", n)
	}
	u.check("audit")
	u.open("library", "/admin/library")
	if n := eval[int](u, "document.querySelectorAll('#profiles tbody tr').length"); n < 2 {
		t.Errorf("the library lists %d scoring profiles, not the built-in ones", n)
	}
	u.check("library")

	// English, once: the overview and the report, then back to Chinese.
	u.open("overview", batchPath+"/overview?lang=en")
	if lang := eval[string](u, "document.documentElement.lang"); lang != "en" {
		t.Errorf("?lang=en gives lang=%q", lang)
	}
	if text := eval[string](u, "document.querySelector('#ranking thead').innerText + document.querySelector('nav.tabs').innerText + document.querySelector('h1').innerText"); regexp.MustCompile(`排名|得分|单位|总览|导出`).MatchString(text) {
		t.Errorf("the English overview shows Chinese labels:\n%.600s", text)
	}
	if text := eval[string](u, "document.querySelector('nav.tabs').innerText + document.querySelector('.tiles').innerText"); strings.ContainsAny(text, "：（）") {
		t.Errorf("the English overview has Chinese punctuation: %q", text)
	}
	u.check("overview-en")
	u.open("report", reportPath)
	u.check("report-en")
	u.open("batches", "/batches?lang=zh")
	u.check("batches-list")

	for _, p := range []string{"setup", "login", "batches", "batch", "overview", "findings", "report", "account", "users", "audit", "library"} {
		if !u.visited[p] {
			t.Errorf("page %s not visited", p)
		}
	}
	if errors.Is(u.ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("the walk took too long")
	}
}
