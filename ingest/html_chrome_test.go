package ingest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/schema"
)

// chromeBody is a short report body: the six sections and a 落款.
const chromeBody = `<p>一、总体情况</p><p>本年度我局认真贯彻落实《中华人民共和国政府信息公开条例》。</p>
<p>二、主动公开政府信息情况</p><p>主动公开情况见下表。</p>
<table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr></table>
<p>三、收到和处理政府信息公开申请情况</p><p>本年度未收到申请。</p>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p>未发生行政复议、行政诉讼。</p>
<p>五、存在的主要问题及改进情况</p><p>公开质量有待提高，下一步将加强培训。</p>
<p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p>
<p>样例市民政局</p><p>2024年1月18日</p>`

// TestHTMLChrome: a report page inside site chrome gives the report's own
// title, agency, year, page date and 落款, and none of the chrome's text
// reaches the sections or the intro.
func TestHTMLChrome(t *testing.T) {
	cases := []struct {
		name                    string
		page                    string
		title, agency, pageDate string
		year                    int
		published               string
		absent                  []string // must appear in no section, intro or title
		diag                    string   // a diagnostic code that must be present
	}{
		{
			name: "breadcrumb above the body, title in h1",
			page: `<html><head><title>样例市民政局2023年政府信息公开工作年度报告_样例市人民政府</title></head><body>
<div class="nav"><a href="/">首页</a> &gt; <a>政务公开</a> &gt; 政府信息公开年报</div>
<div class="article"><h1>样例市民政局2023年政府信息公开工作年度报告</h1>` + chromeBody + `</div>
<div class="footer">主办单位：样例市人民政府办公室 版权所有</div></body></html>`,
			title: "样例市民政局2023年政府信息公开工作年度报告", agency: "样例市民政局", year: 2023, published: "2024-01-18",
			absent: []string{"首页", "主办单位"},
		},
		{
			name: "government site: header, position bar, info line, tool bar, zoom, related links, footer",
			page: `<html><head><meta charset="utf-8"><title>样例市民政局2023年政府信息公开工作年度报告-样例市人民政府门户网站</title></head><body>
<div id="header"><div class="logo">样例市人民政府</div><ul class="menu"><li>首页</li><li>政务公开</li><li>政府信息公开年报</li></ul></div>
<div class="main"><div class="dqwz">您现在的位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<div class="detail"><div class="detail-title">样例市民政局2023年政府信息公开工作年度报告</div>
<div class="info">发布时间：2024-01-20 10:30 来源：样例市民政局 浏览次数：128</div>
<div class="tools">【字号：大 中 小】 打印 关闭</div>
<div id="zoom">` + chromeBody + `</div></div>
<div class="xglj"><p>样例市民政局2022年政府信息公开工作年度报告</p><p>2023-01-19</p></div>
<div>相关文章：样例市民政局2021年政府信息公开工作年度报告</div></div>
<div class="foot">网站标识码：0000000000 备案号：某ICP备00000000号</div></body></html>`,
			title: "样例市民政局2023年政府信息公开工作年度报告", agency: "样例市民政局", year: 2023, pageDate: "2024-01-20", published: "2024-01-18",
			absent: []string{"首页", "发布时间", "字号", "2022年政府信息", "2021年政府信息", "网站标识码"},
		},
		{
			name: "title and date only in meta tags",
			page: `<html><head><meta name="ArticleTitle" content="样例县人民政府2022年政府信息公开工作年度报告"><meta name="PubDate" content="2023-03-20 09:00"><meta name="ContentSource" content="样例县人民政府办公室"></head><body>
<div class="bread">当前位置：首页 &gt; 信息公开 &gt; 年报</div><div class="TRS_Editor">` + chromeBody + `</div></body></html>`,
			title: "样例县人民政府2022年政府信息公开工作年度报告", agency: "样例县人民政府", year: 2022, pageDate: "2023-03-20", published: "2024-01-18",
			absent: []string{"当前位置"},
		},
		{
			name: "title only in <title>, site name stripped",
			page: `<html><head><title>样例区2021年政府信息公开工作年度报告_样例区人民政府</title></head><body>
<nav>首页 政务公开 政府信息公开年报</nav><article>` + chromeBody + `</article><aside>热点专题 政府信息公开年报</aside></body></html>`,
			title: "样例区2021年政府信息公开工作年度报告", agency: "样例区", year: 2021, published: "2024-01-18",
			absent: []string{"热点专题", "样例区人民政府"},
		},
		{
			name: "title without the body's name: agency from the page's source",
			page: `<html><body><div class="position">当前位置：首页 &gt; 政府信息公开年报</div>
<h2>2023年政府信息公开工作年度报告</h2><p>来源：样例市民政局 发布日期：2024-01-22</p>` + chromeBody + `</body></html>`,
			title: "2023年政府信息公开工作年度报告", agency: "样例市民政局", year: 2023, pageDate: "2024-01-22", published: "2024-01-18",
			absent: []string{"当前位置"}, diag: "agency_from_page",
		},
		{
			name: "no content container: menu before, footer with a date after",
			page: `<html><body><div class="left-menu"><ul><li>机构概况</li><li>政策文件</li></ul></div>
<p>样例市民政局2023年政府信息公开工作年度报告</p>` + strings.Replace(chromeBody, "<p>本年度未收取信息处理费。</p>", `<div class="footnote">本年度未收取信息处理费。</div>`, 1) + `
<div class="footer"><p>版权所有 样例市人民政府</p><p>2024年5月1日</p></div></body></html>`,
			title: "样例市民政局2023年政府信息公开工作年度报告", agency: "样例市民政局", year: 2023, published: "2024-01-18",
			absent: []string{"机构概况", "版权所有"},
		},
		{
			name: "breadcrumb, info and tool lines in plain elements",
			page: `<html><body><p>当前位置：首页 &gt; 政务公开 &gt; 年报</p><p>样例市民政局2023年政府信息公开工作年度报告</p>
<p>信息来源：样例市民政局 发布日期：2024-01-20</p><div>【字号：大 中 小】 打印 关闭</div><p>根据《中华人民共和国政府信息公开条例》编制本报告。</p>` + chromeBody + `</body></html>`,
			title: "样例市民政局2023年政府信息公开工作年度报告", agency: "样例市民政局", year: 2023, pageDate: "2024-01-20", published: "2024-01-18",
			absent: []string{"当前位置", "信息来源", "字号"},
		},
		{
			name:  "the date line sits in a share bar",
			page:  `<html><body><h1>样例市民政局2023年政府信息公开工作年度报告</h1><div class="share-bar">发布时间：2024-01-21 分享到：微信 微博</div>` + chromeBody + `</body></html>`,
			title: "样例市民政局2023年政府信息公开工作年度报告", agency: "样例市民政局", year: 2023, pageDate: "2024-01-21", published: "2024-01-18",
			absent: []string{"分享到"},
		},
		{
			name:  "a breadcrumb is never the title",
			page:  `<html><body><div class="crumbs">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>` + chromeBody + `</body></html>`,
			title: "", agency: "", year: 0, published: "2024-01-18", diag: "title_not_found",
		},
		{
			name:  "a chrome class around the whole report keeps the report",
			page:  `<html><body><div class="page-footer-wrap"><h1>样例市民政局2023年政府信息公开工作年度报告</h1>` + chromeBody + `</div></body></html>`,
			title: "样例市民政局2023年政府信息公开工作年度报告", agency: "样例市民政局", year: 2023, published: "2024-01-18",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := Convert(context.Background(), "page.html", []byte(c.page), Options{})
			if err != nil {
				t.Fatal(err)
			}
			m := doc.Meta
			year := 0
			if m.Year != nil {
				year = *m.Year
			}
			str := func(p *string) string {
				if p == nil {
					return ""
				}
				return *p
			}
			if m.Title != c.title || m.Agency != c.agency || year != c.year {
				t.Errorf("title, agency, year = %q, %q, %d; want %q, %q, %d", m.Title, m.Agency, year, c.title, c.agency, c.year)
			}
			if got := str(m.PagePublished); got != c.pageDate {
				t.Errorf("page_published = %q, want %q", got, c.pageDate)
			}
			if got := str(m.Published); got != c.published {
				t.Errorf("published = %q, want %q", got, c.published)
			}
			if len(doc.Sections) != 6 {
				t.Errorf("%d sections, want 6", len(doc.Sections))
			}
			texts := []string{doc.Intro.Text, m.Title}
			for _, s := range doc.Sections {
				texts = append(texts, s.Text)
			}
			all := strings.Join(texts, "\n")
			for _, a := range c.absent {
				if strings.Contains(all, a) {
					t.Errorf("chrome text %q reached the document:\n%s", a, all)
				}
			}
			if c.diag != "" && !hasDiagCode(doc, c.diag) {
				t.Errorf("no %s diagnostic", c.diag)
			}
			if last := doc.Sections[len(doc.Sections)-1]; len(doc.Sections) == 6 && last.Text != "本年度未收取信息处理费。" {
				t.Errorf("section 六 = %q", last.Text)
			}
		})
	}
}

// TestBreadcrumbNeverTitle: crawler text whose only line naming the
// report is the breadcrumb has no title, and says so.
func TestBreadcrumbNeverTitle(t *testing.T) {
	text := "当前位置：首页 > 政务公开 > 政府信息公开年报\n一、总体情况\n本年度工作情况如下。\n"
	doc, err := Convert(context.Background(), "page.txt", []byte(text), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Meta.Title != "" || !hasDiagCode(doc, "title_not_found") {
		t.Errorf("title = %q (title_not_found: %v), want none", doc.Meta.Title, hasDiagCode(doc, "title_not_found"))
	}
}

func hasDiagCode(doc *schema.Document, code string) bool {
	for _, d := range doc.Diagnostics {
		if d.Code == code {
			return true
		}
	}
	return false
}

// TestPageLines: the line classes the chrome filter and the title search
// rely on.
func TestPageLines(t *testing.T) {
	cases := []struct {
		line                  string
		breadcrumb, tool, rep bool
	}{
		{"当前位置：首页 > 政务公开 > 政府信息公开年报", true, false, true},
		{"您当前所在位置: 首页>部门信息公开目录>党政办公室>年度报告", true, false, true},
		{"首页 >> 政府信息公开 >> 政府信息公开年报", true, false, true},
		{"网站首页 » 信息公开", true, false, false},
		{"样例市民政局2023年政府信息公开工作年度报告", false, false, true},
		{"深圳市教育局2023年度政府信息公开工作报告", false, false, true},
		{"首页", false, false, false},
		{"【字号：大 中 小】 打印 关闭", false, true, false},
		{"字体大小:A+ A A- 分享: 打印", false, true, false},
		{"分享到：微信 微博 QQ空间", false, true, false},
		{"打印本页的工作安排", false, false, false},
		{"位置偏远的乡镇政府信息公开工作年度报告", false, false, true},
	}
	for _, c := range cases {
		if got := breadcrumbLine(c.line); got != c.breadcrumb {
			t.Errorf("breadcrumbLine(%q) = %v", c.line, got)
		}
		if got := toolLine(c.line); got != c.tool {
			t.Errorf("toolLine(%q) = %v", c.line, got)
		}
		if got := namesReport(c.line); got != c.rep {
			t.Errorf("namesReport(%q) = %v", c.line, got)
		}
	}
	dates := []struct {
		line, want string
	}{
		{"发布时间：2024-01-20 10:30 来源：样例市民政局", "2024-01-20"},
		{"来源:桐柏县人民政府时间:2024-01-17浏览量:", "2024-01-17"},
		{"发布日期:2024年1月5日", "2024-01-05"},
		{"成文日期: 2025-03-31", ""},
		{"本报告统计时间：2023年1月1日至12月31日", ""},
		{"天津市蓟州区人民政府 2019年12月3日星期二", ""},
	}
	for _, d := range dates {
		got, _ := pageDate(d.line)
		if got != d.want {
			t.Errorf("pageDate(%q) = %q, want %q", d.line, got, d.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"样例区2021年政府信息公开工作年度报告_样例区人民政府", "样例区2021年政府信息公开工作年度报告"},
		{"样例市门户网站 - 2022年政府信息公开工作年度报告", "2022年政府信息公开工作年度报告"},
		{"样例市人民政府|样例市2020年政府信息公开年报", "样例市2020年政府信息公开年报"},
		{"信息公开", "信息公开"},
	} {
		if got := stripSiteName(c.in); got != c.want {
			t.Errorf("stripSiteName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzPageChrome: no page head, however broken its chrome, makes the chrome
// filter or the page-line readers panic, and a page date, when read, is a
// real YYYY-MM-DD date.
func FuzzPageChrome(f *testing.F) {
	f.Add("当前位置：首页 > 政务公开", `<div class="nav">`, "发布时间：2024-01-20")
	f.Add("【字号：大 中 小】 打印", `<header><div class="content">`, "2024-13-45 来源：局")
	f.Add("首页>>年报", `<article><footer><nav>`, `<meta name="PubDate" content="2024/2/30">`)
	f.Fuzz(func(t *testing.T, crumb, open, info string) {
		for _, s := range []string{crumb, open, info} {
			breadcrumbLine(s)
			toolLine(s)
			pageInfoLine(s)
			pageSource(s)
			stripSiteName(s)
			if d, ok := pageDate(s); ok {
				if _, err := time.Parse("2006-01-02", d); err != nil {
					t.Fatalf("pageDate(%q) = %q: %v", s, d, err)
				}
			}
		}
		page := "<html><head><title>" + crumb + "</title>" + info + "</head><body>" + open + "<p>" + crumb + "</p><p>" + info + "</p>" + chromeBody
		within(t, func() {
			lay, err := readHTML([]byte(page), fuzzLimits())
			if err != nil {
				return
			}
			Map(lay, sourceFor("f.html", []byte(page)))
		})
	})
}

// TestTitleLineOverSentence: a sentence that names the report with a body
// in front (现将…年度报告公布如下) never outranks a real title line, even one
// without the body's name.
func TestTitleLineOverSentence(t *testing.T) {
	text := "2023年政府信息公开工作年度报告\n现将样例市民政局2023年政府信息公开工作年度报告公布如下，本报告由总体情况、主动公开政府信息情况等六部分组成，所列数据的统计期限为2023年1月1日至12月31日。\n一、总体情况\n本年度工作情况如下。\n"
	doc, err := Convert(context.Background(), "r.txt", []byte(text), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Meta.Title != "2023年政府信息公开工作年度报告" {
		t.Errorf("title = %q", doc.Meta.Title)
	}
	short := "2023年政府信息公开工作年度报告\n现将样例市民政局2023年度政府信息公开工作报告公布如下：\n一、总体情况\n本年度工作情况如下。\n"
	if doc, err = Convert(context.Background(), "r.txt", []byte(short), Options{}); err != nil {
		t.Fatal(err)
	}
	if doc.Meta.Title != "2023年政府信息公开工作年度报告" || doc.Meta.Agency != "" {
		t.Errorf("short sentence: title, agency = %q, %q", doc.Meta.Title, doc.Meta.Agency)
	}
}
