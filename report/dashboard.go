package report

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"math"
	"strings"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// Grid is a report's tables flattened in template order, with the highlight
// of each failing cell. A batch keeps a Grid instead of the document, so the
// dashboard can draw any report's tables while memory stays per-report small.
type Grid struct {
	Template string   `json:"t"`
	Cells    []string `json:"c"`
	// Marks maps a cell address (requests.granted.total) to bad, review or
	// cannot.
	Marks map[string]string `json:"m,omitempty"`
}

// NewGrid flattens doc's tables in the order gridLayout walks them.
func NewGrid(doc *schema.Document, findings []engine.Finding, lang string) *Grid {
	if doc == nil {
		return nil
	}
	tpl := schema.Template2021
	if doc.Meta.Template != nil {
		if _, ok := schema.Templates[*doc.Meta.Template]; ok {
			tpl = *doc.Meta.Template
		}
	}
	g := &Grid{Template: tpl, Marks: cellMarks(findings)}
	text := func(c *schema.Cell) string {
		if c == nil {
			return ""
		}
		if c.Status == schema.StatusNumber && c.Value != nil {
			return num(*c.Value)
		}
		if c.Status == schema.StatusMissing {
			return ""
		}
		return cellValue(engine.CellRef{Value: c.Value, Raw: c.Raw, Status: c.Status, Candidates: c.Candidates}, lang)
	}
	t := schema.Templates[tpl]
	for _, st := range t.Active {
		for _, r := range st.Rows {
			for _, c := range st.Cols {
				g.Cells = append(g.Cells, text(doc.Tables.Active[st.ID][r.ID][c.ID]))
			}
		}
	}
	for _, r := range t.RequestRows {
		for _, c := range t.RequestCols {
			g.Cells = append(g.Cells, text(doc.Tables.Requests[r.ID][c.ID]))
		}
	}
	for _, gr := range t.ReviewGroups {
		for _, c := range t.ReviewCols {
			g.Cells = append(g.Cells, text(doc.Tables.ReviewLitigation[gr.ID][c.ID]))
		}
	}
	return g
}

// layoutTable is one table of a template as the dashboard script draws it.
type layoutTable struct {
	Caption string      `json:"caption"`
	Prefix  string      `json:"prefix"` // address prefix: active.art20_1, requests, review_litigation
	Cols    [][2]string `json:"cols"`   // id, label
	Rows    [][2]string `json:"rows"`
}

// gridLayout describes, per template, the tables in Grid order.
func gridLayout(lang string) map[string][]layoutTable {
	out := map[string][]layoutTable{}
	for id, t := range schema.Templates {
		var ts []layoutTable
		pairs := func(cs []schema.ColDef) [][2]string {
			var p [][2]string
			for _, c := range cs {
				p = append(p, [2]string{c.ID, c.Label})
			}
			return p
		}
		for _, st := range t.Active {
			lt := layoutTable{Caption: st.Caption, Prefix: "active." + st.ID, Cols: pairs(st.Cols)}
			for _, r := range st.Rows {
				lt.Rows = append(lt.Rows, [2]string{r.ID, r.Label})
			}
			ts = append(ts, lt)
		}
		req := layoutTable{Caption: pick(lang, "表三 收到和处理政府信息公开申请情况", "Table 3: requests"), Prefix: "requests", Cols: pairs(t.RequestCols)}
		for _, r := range t.RequestRows {
			label := r.Label
			if r.Group != "" && !strings.HasPrefix(r.Group, "三、") {
				label = r.Group + " " + r.Label
			}
			req.Rows = append(req.Rows, [2]string{r.ID, label})
		}
		rev := layoutTable{Caption: pick(lang, "表四 行政复议、行政诉讼情况", "Table 4: reconsideration and litigation"), Prefix: "review_litigation", Cols: pairs(t.ReviewCols)}
		for _, g := range t.ReviewGroups {
			rev.Rows = append(rev.Rows, [2]string{g.ID, engine.Label("review.group", g.ID)})
		}
		out[id] = append(ts, req, rev)
	}
	return out
}

// DashboardOptions shape the dashboard.
type DashboardOptions struct {
	Lang string
	// MaxDetails caps the reports whose findings and tables are embedded
	// (0: all): past it, the lowest-scored reports keep their drill-down,
	// as those are the ones an office reviews, and a page of 100,000
	// drill-downs would be too large for a browser.
	MaxDetails int
}

// dashReport is one report in the dashboard's embedded data.
type dashReport struct {
	File     string   `json:"f"`
	Agency   string   `json:"a"`
	Year     *int     `json:"y"`
	Score    *float64 `json:"s"`
	Grade    string   `json:"g"`
	Rank     int      `json:"r"`
	Errors   int      `json:"e"`
	Warnings int      `json:"w"`
	Review   int      `json:"n"`
	// Error is set for an unreadable report: 无法读取 and the reason.
	Error    string      `json:"x,omitempty"`
	Findings [][5]string `json:"fs"` // rule, severity, status, message, cells
	Grid     *Grid       `json:"grid,omitempty"`
	// Omitted is set when the drill-down was left out (MaxDetails).
	Omitted bool `json:"o,omitempty"`
}

// WriteDashboard writes one self-contained HTML page for a batch: score
// distribution, findings by category, the rules that fail most, and a table
// of reports whose rows open a drill-down with the findings and the tables,
// failing cells highlighted. Charts are inline SVG and the script is inline,
// so it works offline. Reports stream into the page: memory does not grow
// with the batch. #r=N in the address opens report N on load; #unreadable
// lists only the unreadable reports.
func WriteDashboard(w io.Writer, reports func() iter.Seq[Ranked], c *CohortStats, opt DashboardOptions) error {
	lang := opt.Lang
	ew := &errWriter{w: w}
	all, unreadable := c.Reports()
	scores := c.Scores()
	title := pick(lang, "政府信息公开工作年度报告评估", "Government information disclosure annual reports: assessment")
	ew.printf("<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>%s</title>\n<style>%s\n%s</style>\n</head>\n<body>\n",
		pick(lang, "zh-CN", "en"), esc(title), htmlStyle, dashStyle)
	ew.printf("<h1>%s</h1>\n", esc(title))
	mean, median := 0.0, 0.0
	if n := len(scores); n > 0 {
		for _, s := range scores {
			mean += s
		}
		mean /= float64(n)
		median = scores[n/2]
		if n%2 == 0 {
			median = (scores[n/2-1] + scores[n/2]) / 2
		}
	}
	// The tiles say how much of the batch the statistics below cover:
	// unreadable reports are counted apart and left out of every score.
	tile := func(class, value, label, tip string) {
		ew.printf("<div class=\"%s\" title=\"%s\"><b>%s</b><span>%s</span></div>\n", class, esc(tip), esc(value), esc(label))
	}
	dash := func(v float64) string {
		if len(scores) == 0 {
			return "—"
		}
		return num(v)
	}
	ew.printf("<div class=\"tiles\">\n")
	tile("tile", fmt.Sprint(all), pick(lang, "报告", "reports"), pick(lang, "本批次的报告数", "reports in this batch"))
	tile("tile", fmt.Sprint(len(scores)), pick(lang, "已评分", "scored"), pick(lang, "已检查并评分的报告", "reports checked and scored"))
	uclass := "tile unreadable"
	if unreadable > 0 {
		uclass += " some"
	}
	ew.printf("<button type=\"button\" id=\"tile-unreadable\" class=\"%s\" title=\"%s\"><b>%d</b><span>%s</span></button>\n", uclass,
		esc(pick(lang, "扫描件、空文件、非年报或无法打开的文件：未检查、不评分、不排名；点击只看这些报告",
			"scans, empty files, texts that are not annual reports and files that could not be opened: not checked, scored or ranked; click to list only these")),
		unreadable, esc(pick(lang, "无法读取", "unreadable")))
	tile("tile", dash(math.Round(mean*10)/10), pick(lang, "平均分", "mean"), pick(lang, "已评分报告的平均分", "mean of the scored reports"))
	tile("tile", dash(median), pick(lang, "中位数", "median"), pick(lang, "已评分报告的中位数", "median of the scored reports"))
	ew.printf("</div>\n")

	ew.printf("<div class=\"charts\">\n<figure><figcaption>%s</figcaption>\n%s</figure>\n",
		pick(lang, "得分分布", "Score distribution"), histogramSVG(scores))
	var cats []bar
	for _, cc := range c.Categories() {
		cats = append(cats, bar{label: categoryLabel(cc.Category, lang), value: float64(cc.Findings), text: fmt.Sprint(cc.Findings)})
	}
	ew.printf("<figure><figcaption>%s</figcaption>\n%s</figure>\n", pick(lang, "问题类别", "Findings by category"), barsSVG(cats, 320))
	var top []bar
	for _, s := range c.Rules() {
		if s.Fired == 0 || len(top) == 15 {
			break
		}
		top = append(top, bar{label: s.Rule, title: s.Title.Pick(lang), value: s.FireRate(), text: fmt.Sprintf("%.0f%%", 100*s.FireRate())})
	}
	ew.printf("<figure class=\"wide\"><figcaption>%s</figcaption>\n%s</figure>\n</div>\n", pick(lang, "触发最多的规则（触发率）", "Rules that fail most (fire rate)"), barsSVG(top, 520))

	ew.printf("<h2>%s</h2>\n<p><input id=\"filter\" type=\"search\" placeholder=\"%s\"> <label><input id=\"only-unreadable\" type=\"checkbox\"> %s</label> <small id=\"shown\"></small></p>\n",
		pick(lang, "报告", "Reports"), pick(lang, "按机关或文件筛选", "filter by body or file"), pick(lang, "只看无法读取的报告", "only unreadable reports"))
	ew.printf("<table id=\"reports\"><thead><tr>")
	for i, h := range []string{pick(lang, "排名", "Rank"), pick(lang, "机关", "Body"), pick(lang, "年度", "Year"), pick(lang, "得分", "Score"),
		pick(lang, "等级", "Grade"), pick(lang, "错误", "Errors"), pick(lang, "警告", "Warnings"), pick(lang, "待核对", "Review"), pick(lang, "文件", "File")} {
		ew.printf("<th data-col=\"%d\">%s</th>", i, esc(h))
	}
	ew.printf("</tr></thead><tbody></tbody></table>\n<div id=\"detail\"></div>\n")

	layout, err := json.Marshal(gridLayout(lang))
	if err != nil {
		return err
	}
	labels, err := json.Marshal(map[string]string{
		"findings": pick(lang, "问题", "Findings"), "none": pick(lang, "未发现问题", "No findings"),
		"score": pick(lang, "得分", "Score"), "rank": pick(lang, "排名", "rank"), "close": pick(lang, "关闭", "close"),
		"unreadable": pick(lang, "无法读取", "Unreadable"), "shown": pick(lang, "显示", "shown"),
		"omitted": pick(lang, "本报告的详情未收入本页（--html-details）", "This report's details are not in this page (--html-details)"),
	})
	if err != nil {
		return err
	}
	ew.printf("<script type=\"application/json\" id=\"ogi-layout\">%s</script>\n", layout)
	ew.printf("<script type=\"application/json\" id=\"ogi-labels\">%s</script>\n", labels)
	ew.printf("<script type=\"application/json\" id=\"ogi-data\">[")
	detailBelow := math.Inf(1) // scores up to this keep their drill-down
	if all, _ := c.Reports(); opt.MaxDetails > 0 && all > opt.MaxDetails && len(scores) > 0 {
		detailBelow = scores[min(opt.MaxDetails, len(scores))-1]
	}
	first := true
	for r := range reports() {
		fr := r.Report
		d := dashReport{File: fr.File, Agency: fr.Agency, Year: fr.Year, Score: fr.Score, Grade: fr.Grade, Rank: r.Rank,
			Errors: fr.Counts.Error, Warnings: fr.Counts.Warning, Review: fr.Counts.NeedsReview, Grid: fr.Grid,
			Findings: [][5]string{}}
		if fr.IsUnreadable() {
			// Nothing was checked: the reason stands in for the findings.
			d.Error, d.Grid, d.Score, d.Rank = unreadableText(fr, lang), nil, nil, 0
			fr.Findings = nil
		}
		if fr.Score != nil && *fr.Score > detailBelow {
			d.Grid, d.Omitted = nil, true
			fr.Findings = nil
		}
		for _, f := range fr.Findings {
			if f.Status == engine.StatusPass {
				continue
			}
			status := f.Status
			if f.Waived {
				status = "waived"
			}
			d.Findings = append(d.Findings, [5]string{f.Rule, f.Severity, status, f.Message.Pick(lang), cellList(f)})
		}
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		if !first {
			ew.printf(",\n")
		}
		first = false
		ew.printf("%s", b)
	}
	ew.printf("]</script>\n<script>%s</script>\n</body>\n</html>\n", dashScript)
	return ew.err
}

var categoryNames = map[string][2]string{
	"structure": {"结构", "structure"}, "completeness": {"完整性", "completeness"}, "arithmetic": {"算术", "arithmetic"},
	"consistency": {"一致性", "consistency"}, "timeliness": {"时效", "timeliness"}, "content": {"内容", "content"},
}

func categoryLabel(c, lang string) string {
	if n, ok := categoryNames[c]; ok {
		return pick(lang, n[0], n[1])
	}
	return c
}

type bar struct {
	label, title, text string
	value              float64
}

// barsSVG draws horizontal bars scaled to the largest value.
func barsSVG(bars []bar, width int) string {
	if len(bars) == 0 {
		return "<p><small>—</small></p>\n"
	}
	const rowH, labelW = 22, 200
	maxV := 0.0
	for _, b := range bars {
		maxV = math.Max(maxV, b.value)
	}
	var sb strings.Builder
	h := rowH*len(bars) + 4
	fmt.Fprintf(&sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n", width, h)
	for i, b := range bars {
		y := i*rowH + 2
		bw := 0.0
		if maxV > 0 {
			bw = float64(width-labelW-50) * b.value / maxV
		}
		tip := b.label
		if b.title != "" {
			tip += " " + b.title
		}
		fmt.Fprintf(&sb, "<g><title>%s</title><text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"lbl\">%s</text>"+
			"<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"bar\"/><text x=\"%.1f\" y=\"%d\" class=\"val\">%s</text></g>\n",
			esc(tip), labelW-6, y+15, esc(truncate(b.label, 28)), labelW, y+3, bw, rowH-6, float64(labelW)+bw+4, y+15, esc(b.text))
	}
	sb.WriteString("</svg>\n")
	return sb.String()
}

// histogramSVG draws the score distribution in ten-point bins (100 joins
// the 90–100 bin).
func histogramSVG(scores []float64) string {
	var bins [10]int
	for _, s := range scores {
		i := int(s / 10)
		bins[min(max(i, 0), 9)]++
	}
	maxN := 0
	for _, n := range bins {
		maxN = max(maxN, n)
	}
	const w, h, base = 360, 200, 170
	var sb strings.Builder
	fmt.Fprintf(&sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n", w, h)
	fmt.Fprintf(&sb, "<line x1=\"10\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n", base, w-10, base)
	for i, n := range bins {
		bh := 0.0
		if maxN > 0 {
			bh = 150 * float64(n) / float64(maxN)
		}
		x := 12 + i*34
		fmt.Fprintf(&sb, "<g><title>%d–%d: %d</title><rect x=\"%d\" y=\"%.1f\" width=\"30\" height=\"%.1f\" class=\"bar\"/>"+
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" class=\"val\">%d</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=\"lbl\">%d</text></g>\n",
			i*10, i*10+10, n, x, float64(base)-bh, bh, x+15, float64(base)-bh-3, n, x+15, base+16, i*10)
	}
	sb.WriteString("</svg>\n")
	return sb.String()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

const dashStyle = `.summary{font-size:1.1em}.charts{display:flex;flex-wrap:wrap;gap:2em}
figure{margin:0}figcaption{font-weight:bold;margin-bottom:.4em}
svg .bar{fill:#4a78b5}svg .lbl,svg .val{font-size:11px;fill:#333}svg .axis{stroke:#999}
#reports{width:100%}#reports th{cursor:pointer;user-select:none}#reports tbody tr{cursor:pointer}
#reports tbody tr:hover{background:#eef3fa}#reports td:nth-child(2),#reports td:nth-child(9){text-align:left}
#detail{border-top:2px solid #4a78b5;margin-top:1.5em}#detail:empty{display:none}
.waived{color:#888;text-decoration:line-through}
.tiles{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0 1.5em}
.tile{border:1px solid #ccd6e4;border-radius:6px;padding:.5em 1.1em;min-width:6em;text-align:center;background:#f7f9fc;font:inherit;color:inherit}
.tile b{display:block;font-size:1.6em}.tile span{color:#555}
button.tile{cursor:pointer}.tile.unreadable.some{border-color:#b00020;background:#fdf0f0}.tile.unreadable.some b{color:#b00020}
#reports tr.unreadable td{color:#777;font-style:italic}#reports tr.unreadable td:nth-child(5){color:#b00020;font-style:normal}
p.unreadable{color:#b00020;font-size:1.15em}`

// dashScript renders the report table and the drill-down from the embedded
// data. Errors are recorded on <body data-errors> so a headless browser test
// can read them from the DOM.
const dashScript = `
(function(){
"use strict";
var errs=[];
window.addEventListener("error",function(e){errs.push(String(e.message));document.body.setAttribute("data-errors",errs.join("; "));});
function el(tag,attrs,text){var e=document.createElement(tag);if(attrs){for(var k in attrs){e.setAttribute(k,attrs[k]);}}if(text!==undefined&&text!==null){e.textContent=String(text);}return e;}
var data=JSON.parse(document.getElementById("ogi-data").textContent);
var layout=JSON.parse(document.getElementById("ogi-layout").textContent);
var L=JSON.parse(document.getElementById("ogi-labels").textContent);
var tbody=document.querySelector("#reports tbody");
var order=data.map(function(_,i){return i;});
var sortCol=0,sortDir=1;
var onlyU=document.getElementById("only-unreadable");
function key(r,c){switch(c){case 0:return r.r||1e9;case 1:return r.a;case 2:return r.y||0;case 3:return r.s===null?-1:r.s;case 4:return r.g;case 5:return r.e;case 6:return r.w;case 7:return r.n;default:return r.f;}}
function render(){
  var q=document.getElementById("filter").value.trim().toLowerCase();
  while(tbody.firstChild){tbody.removeChild(tbody.firstChild);}
  var frag=document.createDocumentFragment(),shown=0;
  order.forEach(function(i){
    var r=data[i];
    if(q&&(r.a+" "+r.f).toLowerCase().indexOf(q)<0){return;}
    if(onlyU.checked&&!r.x){return;}
    shown++;
    var tr=el("tr",r.x?{"data-i":i,"class":"unreadable","title":r.x}:{"data-i":i});
    (r.x?["",r.a,r.y===null?"":r.y,"—",L.unreadable,"","","",r.f]:[r.r||"",r.a,r.y===null?"":r.y,r.s===null?"—":r.s,r.g,r.e,r.w,r.n,r.f]).forEach(function(v){tr.appendChild(el("td",null,v));});
    tr.addEventListener("click",function(){show(i);});
    frag.appendChild(tr);
  });
  tbody.appendChild(frag);
  document.getElementById("shown").textContent=L.shown+" "+shown+" / "+data.length;
}
function sortBy(c){
  if(c===sortCol){sortDir=-sortDir;}else{sortCol=c;sortDir=1;}
  order.sort(function(a,b){var x=key(data[a],c),y=key(data[b],c);if(x<y){return -sortDir;}if(x>y){return sortDir;}return a-b;});
  render();
}
function show(i){
  var r=data[i],d=document.getElementById("detail");
  while(d.firstChild){d.removeChild(d.firstChild);}
  if(!r){return;}
  var h=el("h2",null,(r.a||r.f)+(r.y?" "+r.y:""));
  var close=el("button",{"type":"button"},L.close);
  close.addEventListener("click",function(){while(d.firstChild){d.removeChild(d.firstChild);}history.replaceState(null,"",location.pathname);});
  h.appendChild(document.createTextNode(" "));h.appendChild(close);
  d.appendChild(h);
  d.appendChild(el("p",{"class":r.x?"score unreadable":"score"},r.x?r.x:L.score+" "+(r.s===null?"—":r.s)+" "+r.g+(r.r?" · "+L.rank+" "+r.r:"")));
  d.appendChild(el("p",null,r.f));
  if(r.x){history.replaceState(null,"","#r="+i);d.scrollIntoView();return;}
  if(r.o){d.appendChild(el("p",null,L.omitted));history.replaceState(null,"","#r="+i);return;}
  d.appendChild(el("h3",null,L.findings));
  var ul=el("ul");
  if(r.fs.length===0){ul.appendChild(el("li",null,L.none));}
  r.fs.forEach(function(f){
    var li=el("li",{"class":f[2]==="waived"?"waived":f[1]});
    li.appendChild(el("code",null,f[0]));li.appendChild(document.createTextNode(" "+f[3]));
    if(f[4]){li.appendChild(el("small",null," ["+f[4]+"]"));}
    ul.appendChild(li);
  });
  d.appendChild(ul);
  if(r.grid){
    var k=0,marks=r.grid.m||{};
    (layout[r.grid.t]||[]).forEach(function(t){
      var tb=el("table"),hr=el("tr");
      hr.appendChild(el("th",null,t.caption));
      t.cols.forEach(function(c){hr.appendChild(el("th",null,c[1]));});
      tb.appendChild(hr);
      t.rows.forEach(function(row){
        var tr=el("tr");tr.appendChild(el("td",{"class":"label"},row[1]));
        t.cols.forEach(function(c){
          var addr=t.prefix+"."+row[0]+"."+c[0],attrs={"title":addr};
          if(marks[addr]){attrs["class"]=marks[addr];}
          var v=r.grid.c[k++];
          tr.appendChild(el("td",attrs,v===""?"—":v));
        });
        tb.appendChild(tr);
      });
      d.appendChild(tb);
    });
  }
  history.replaceState(null,"","#r="+i);
  d.scrollIntoView();
}
document.querySelectorAll("#reports th").forEach(function(th){th.addEventListener("click",function(){sortBy(Number(th.getAttribute("data-col")));});});
document.getElementById("filter").addEventListener("input",render);
onlyU.addEventListener("change",render);
document.getElementById("tile-unreadable").addEventListener("click",function(){onlyU.checked=!onlyU.checked;render();document.getElementById("reports").scrollIntoView();});
if(location.hash==="#unreadable"){onlyU.checked=true;}
render();
var m=/^#r=(\d+)$/.exec(location.hash);
if(m){show(Number(m[1]));}
document.body.setAttribute("data-ready","1");
})();
`

var dashboardFormat = &Format{Name: "dashboard", Help: "a self-contained HTML dashboard of the batch with drill-downs",
	Write: func(w io.Writer, src *Source) error {
		c, rank := src.ranked()
		return WriteDashboard(w, func() iter.Seq[Ranked] { return rank(src.reports(true)) }, c,
			DashboardOptions{Lang: src.Lang, MaxDetails: src.MaxDetails})
	}}
