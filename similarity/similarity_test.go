package similarity

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// reportTmpl is a realistic 政府信息公开工作年度报告 body. The verbs are the
// year followed by the figures that a body would update from one year to
// the next.
const reportTmpl = `一、总体情况
本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。%[1]d年共主动公开政府信息%[2]d条，其中通过门户网站公开%[3]d条，通过政务新媒体公开%[4]d条。
（一）主动公开情况。围绕优化营商环境、乡村振兴、民生保障等重点领域，及时发布政策文件%[5]d件，配套制作政策解读材料，通过图文、视频等多种形式回应社会关切，切实提升政策知晓度。
（二）依申请公开情况。全年共受理政府信息公开申请%[6]d件，均在法定期限内予以答复，答复内容规范、依据充分，未发生因依申请公开引发的行政复议被纠错情况。
（三）政府信息管理情况。严格落实公开前保密审查制度，对拟公开的政府信息逐条审核，确保公开内容合法合规、准确完整，全年未发生泄密事件。
（四）平台建设情况。持续优化政府门户网站信息公开专栏，规范栏目设置，完善检索功能，方便公众查询获取政府信息。
（五）监督保障情况。将政府信息公开工作纳入年度绩效考核，组织开展业务培训，进一步增强工作人员的公开意识和业务能力。
二、存在的主要问题及改进情况
一是政策解读形式较为单一，图解、视频等解读方式运用不够；二是部分栏目更新不够及时。下一步，我局将进一步丰富解读形式，加强栏目日常维护，不断提升政府信息公开工作质量。`

func report(year int, figs ...int) string {
	args := []any{year}
	for _, f := range figs {
		args = append(args, f)
	}
	return fmt.Sprintf(reportTmpl, args...)
}

var (
	report2023 = report(2023, 1234, 986, 248, 56, 87)
	report2024 = report(2024, 1302, 1011, 291, 61, 93)

	// Same body, with two sections rewritten rather than copied.
	report2024Rewritten = strings.NewReplacer(
		"（一）主动公开情况。围绕优化营商环境、乡村振兴、民生保障等重点领域，及时发布政策文件61件，配套制作政策解读材料，通过图文、视频等多种形式回应社会关切，切实提升政策知晓度。",
		"（一）主动公开情况。今年重点公开了财政预决算、重大建设项目批准和实施、公共资源配置等信息61件，并在每份文件发布后三个工作日内上线解读稿。",
		"（四）平台建设情况。持续优化政府门户网站信息公开专栏，规范栏目设置，完善检索功能，方便公众查询获取政府信息。",
		"（四）平台建设情况。完成网站集约化迁移，新增办事指南专区和无障碍浏览模式，栏目总数由四十二个精简到二十七个。",
	).Replace(report2024)

	// A different body: its own wording, sharing only common phrases.
	otherBody = `一、总体情况
2023年，市卫生健康委员会以群众需求为导向，坚持以公开为常态，不公开为例外,全面推进决策 执行 管理 服务 结果公开.今年围绕医疗服务价格、医保报销政策、疫苗接种安排等群众关心的事项，主动发布信息412条，组织“卫生健康开放日”活动6次，邀请人大代表、政协委员和群众代表参与。
二、依申请公开
全年收到申请30件，其中当面申请4件，网上申请26件，所有申请均已按期办结，申请人对答复结果均无异议。
三、存在问题
基层医疗机构公开意识薄弱，公开目录编制不完整；下一步将组织专项检查，推动公开向基层延伸。`

	otherBody2024 = strings.NewReplacer("2023年", "2024年", "412条", "437条", "6次", "8次", "30件", "41件", "4件", "9件", "26件", "32件").Replace(otherBody)
)

func jaccardOf(a, b string) float64 { return Jaccard(Shingles(a), Shingles(b)) }

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"chinese punctuation", "本年度，我局“认真”（一）《条例》、；：。", "本年度我局认真一条例"},
		{"whitespace", " 本年度\t我局\n认真\r\n贯彻\u3000落实\u00a0", "本年度我局认真贯彻落实"},
		{"digits kept", "2023年共主动公开政府信息1234条", "2023年共主动公开政府信息1234条"},
		{"chinese numerals kept", "三、第一二三项", "三第一二三项"},
		{"full width folded", "２０２３年ＰＤＦ版（Ａ）", "2023年pdf版a"},
		{"ascii lowered", "HTML and Pdf", "htmlandpdf"},
		{"symbols", "增长5%，面积100㎡，¥30元±2→", "增长5面积100m2 30元2"},
		{"invisible", "公\u200b开\ufeff信\u00ad息", "公开信息"},
		{"composed", "cafe\u0301", "café"},
		{"invalid utf8", "\xff中\xfe\xe4\xb8文\xe4", "中文"},
		{"ellipsis and dashes", "公开……信息——条例", "公开信息条例"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := strings.ReplaceAll(tt.want, " ", "")
			if got := string(Normalize(tt.in)); got != want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, want)
			}
		})
	}
}

// referenceNormalize is the obvious definition of Normalize: NFKC of the
// whole text, then the same per-rune filter.
func referenceNormalize(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKC.String(s) {
		if r, ok := fold(r); ok {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestNormalizeMatchesReference(t *testing.T) {
	for _, s := range []string{report2023, otherBody, "\u1100\u1161\u11a8 \u0b47\u0b3e", "a\u0323\u0301中\u0301，\u0301", "ﬁ① ㈱ ｶﾞ ＡＢ…"} {
		if got, want := string(Normalize(s)), referenceNormalize(s); got != want {
			t.Errorf("Normalize(%q) = %q, reference %q", s, got, want)
		}
	}
}

// TestSimpleRunes checks the assumption behind normalize's fast path
// against the NFKC tables.
func TestSimpleRunes(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		if !simple(r) {
			continue
		}
		s := string(r)
		if got, want := string(simpleNFKC(r)), norm.NFKC.String(s); got != want {
			t.Errorf("simpleNFKC(%U) = %q, NFKC %q", r, got, want)
		}
		if p := norm.NFKC.PropertiesString(s); !p.BoundaryBefore() || p.CCC() != 0 {
			t.Errorf("%U: BoundaryBefore %v, CCC %d", r, p.BoundaryBefore(), p.CCC())
		}
	}
}

func TestNormalizeOffsets(t *testing.T) {
	for _, s := range []string{report2023, "２０２３年㎡cafe\u0301\xff。Ａ", "e\u0301\u0323x", otherBody} {
		rs, offs := normalize(s, true)
		if len(rs) != len(offs) {
			t.Fatalf("%d runes but %d offsets", len(rs), len(offs))
		}
		prev := 0
		for i, o := range offs {
			if o.start < prev || o.end <= o.start || o.end > len(s) {
				t.Fatalf("offset %d = %+v out of order (prev end %d, len %d)", i, o, prev, len(s))
			}
			// Each source range must normalize to a run containing the rune.
			if !slices.Contains(Normalize(s[o.start:o.end]), rs[i]) {
				t.Errorf("rune %q at %d not produced by source %q", rs[i], i, s[o.start:o.end])
			}
			prev = o.start
		}
	}
}

func TestShinglesDeterministic(t *testing.T) {
	h := fnv.New64a()
	h.Write([]byte("本年度我局认真贯"))
	if got, want := Shingles("本年度，我局认真贯"), []uint64{h.Sum64()}; !slices.Equal(got, want) {
		t.Errorf("Shingles = %x, want FNV-1a of the single window %x", got, want)
	}
	s := Shingles(report2023 + report2023)
	if !slices.IsSorted(s) || len(slices.Compact(slices.Clone(s))) != len(s) {
		t.Error("Shingles not sorted and de-duplicated")
	}
	if c := Containment(Shingles(report2023), s); c != 1 {
		t.Errorf("a text repeated twice contains it only %.3f", c)
	}
	if got := len(Shingles("无")); got != 1 {
		t.Errorf("short text has %d shingles, want 1", got)
	}
	if got := Shingles("，。  "); got != nil {
		t.Errorf("punctuation-only text has shingles %x", got)
	}
}

func TestJaccard(t *testing.T) {
	tests := []struct {
		name     string
		a, b     string
		min, max float64
	}{
		{"identical", report2023, report2023, 1, 1},
		{"disjoint", report2023, "春风又绿江南岸明月何时照我还两个黄鹂鸣翠柳一行白鹭上青天", 0, 0},
		{"year and numbers changed", report2023, report2024, 0.6, 0.999},
		{"whitespace and punctuation only", report2023,
			strings.NewReplacer("，", ",", "。", ". ", "、", " ", "\n", "\r\n\r\n  ", "《", "<", "》", ">", "（", "(", "）", ")").Replace(report2023), 1, 1},
		{"full width digits", "2023年共主动公开政府信息1234条", "２０２３年共主动公开政府信息１２３４条", 1, 1},
		{"rewritten sections", report2023, report2024Rewritten, 0.3, 0.6},
		{"other body", report2023, otherBody, 0.01, 0.15},
		{"empty a", "", report2023, 0, 0},
		{"both empty", "", "", 0, 0},
		{"both punctuation only", "。，、", "……", 0, 0},
		{"identical short", "无", "无。", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := jaccardOf(tt.a, tt.b)
			if got < tt.min || got > tt.max {
				t.Errorf("Jaccard = %.3f, want in [%.3f, %.3f]", got, tt.min, tt.max)
			}
			if rev := jaccardOf(tt.b, tt.a); rev != got {
				t.Errorf("Jaccard not symmetric: %.3f vs %.3f", got, rev)
			}
		})
	}
}

func TestContainment(t *testing.T) {
	section := "（三）政府信息管理情况。严格落实公开前保密审查制度，对拟公开的政府信息逐条审核，确保公开内容合法合规、准确完整，全年未发生泄密事件。"
	tests := []struct {
		name     string
		a, b     string
		min, max float64
	}{
		{"section pasted whole", section, report2023, 1, 1},
		{"reverse order", report2023, section, 1, 1},
		{"identical", report2023, report2023, 1, 1},
		{"disjoint", section, "春风又绿江南岸明月何时照我还", 0, 0},
		{"empty", "", section, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Containment(Shingles(tt.a), Shingles(tt.b))
			if got < tt.min || got > tt.max {
				t.Errorf("Containment = %.3f, want in [%.3f, %.3f]", got, tt.min, tt.max)
			}
		})
	}
	if j := jaccardOf(section, report2023); j > 0.3 {
		t.Errorf("Jaccard of a section against the whole report = %.3f; Containment exists because it is low", j)
	}
}

func TestPassages(t *testing.T) {
	long := strings.Repeat("各级行政机关应当建立健全政府信息公开工作制度，", 8)
	tests := []struct {
		name     string
		a, b     string
		minRunes int
		max      int
		want     []string
	}{
		{
			name:     "shared sentence keeps original punctuation",
			a:        report2023,
			b:        otherBody,
			minRunes: 20, max: 3,
			want: []string{"坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。"},
		},
		{
			name:     "brackets widened",
			a:        "本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，坚持依法公开。",
			b:        "全年贯彻落实中华人民共和国政府信息公开条例和上级部署",
			minRunes: 10, max: 3,
			want: []string{"贯彻落实《中华人民共和国政府信息公开条例》"},
		},
		{
			name:     "quoted as written in a",
			a:        "２０２３年共主动公开政府信息１２３４条，均已归档。",
			b:        "2023年共主动公开政府信息1234条",
			minRunes: 8, max: 3,
			want: []string{"２０２３年共主动公开政府信息１２３４条，"[:len("２０２３年共主动公开政府信息１２３４条")]},
		},
		{
			name:     "changed number splits passage, longest first",
			a:        "主动公开政府信息1234条，其中通过门户网站公开986条，通过政务新媒体公开248条。",
			b:        "主动公开政府信息1302条，其中通过门户网站公开1011条，通过政务新媒体公开291条。",
			minRunes: 8, max: 3,
			// 1234→1302 and 248→291 keep their first digit.
			want: []string{"条，其中通过门户网站公开", "条，通过政务新媒体公开2", "主动公开政府信息1"},
		},
		{
			name:     "max limits count",
			a:        "主动公开政府信息1234条，其中通过门户网站公开986条，通过政务新媒体公开248条。",
			b:        "主动公开政府信息1302条，其中通过门户网站公开1011条，通过政务新媒体公开291条。",
			minRunes: 8, max: 1,
			want: []string{"条，其中通过门户网站公开"},
		},
		{
			name:     "minRunes filters short runs",
			a:        "主动公开政府信息1234条，其中通过门户网站公开986条。",
			b:        "主动公开政府信息1302条，其中通过门户网站公开1011条。",
			minRunes: 11, max: 3,
			want: []string{"条，其中通过门户网站公开"},
		},
		{
			name:     "long passage trimmed",
			a:        "前言。" + long + "结束",
			b:        "开头" + long + "结尾",
			minRunes: 20, max: 3,
			want: []string{string([]rune(long)[:120]) + "…"},
		},
		{name: "disjoint", a: report2023, b: "春风又绿江南岸明月何时照我还", minRunes: 1, max: 3},
		{name: "empty b", a: report2023, b: "", minRunes: 1, max: 3},
		{name: "max zero", a: report2023, b: report2023, minRunes: 1, max: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Passages(tt.a, tt.b, tt.minRunes, tt.max)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Passages =\n%q\nwant\n%q", got, tt.want)
			}
			if again := Passages(tt.a, tt.b, tt.minRunes, tt.max); !slices.Equal(got, again) {
				t.Errorf("Passages not deterministic: %q then %q", got, again)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	m := Compare(report2023, report2024)
	if m.Jaccard != jaccardOf(report2023, report2024) {
		t.Errorf("Compare Jaccard %.3f differs from Jaccard %.3f", m.Jaccard, jaccardOf(report2023, report2024))
	}
	if m.Containment < m.Jaccard {
		t.Errorf("Containment %.3f below Jaccard %.3f", m.Containment, m.Jaccard)
	}
	if len(m.Passages) != 3 {
		t.Fatalf("want 3 passages, got %q", m.Passages)
	}
	for i, p := range m.Passages {
		if !strings.Contains(report2023, strings.TrimSuffix(p, "…")) {
			t.Errorf("passage %d %q is not quoted from a", i, p)
		}
		if n := utf8.RuneCountInString(p); n > 121 {
			t.Errorf("passage %d has %d runes", i, n)
		}
	}
	if got := Compare("", ""); got.Jaccard != 0 || got.Containment != 0 || got.Passages != nil {
		t.Errorf("Compare of empty texts = %+v", got)
	}
}

func TestEstimate(t *testing.T) {
	pairs := []struct {
		name string
		a, b string
	}{
		{"identical", report2023, report2023},
		{"next year", report2023, report2024},
		{"rewritten", report2023, report2024Rewritten},
		{"other body", report2023, otherBody},
		{"other body next year", otherBody, otherBody2024},
		{"section in report", report2023[:len(report2023)/3], report2023},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			sa, sb := Shingles(p.a), Shingles(p.b)
			exact := Jaccard(sa, sb)
			est := Sign(sa).Estimate(Sign(sb))
			if math.Abs(est-exact) > 0.15 {
				t.Errorf("Estimate %.3f, exact Jaccard %.3f", est, exact)
			}
		})
	}
	empty := Sign(nil)
	for i, v := range empty {
		if v != math.MaxUint32 {
			t.Fatalf("empty signature slot %d = %x", i, v)
		}
	}
	if got := empty.Estimate(empty); got != 0 {
		t.Errorf("empty.Estimate(empty) = %v, want 0", got)
	}
	if got := Sign(Shingles(report2023)).Estimate(empty); got != 0 {
		t.Errorf("Estimate against empty = %v, want 0", got)
	}
}

// TestSignatureSize guards the memory budget of a 100,000-report batch.
func TestSignatureSize(t *testing.T) {
	if n := unsafe.Sizeof(Signature{}); n != 256 {
		t.Errorf("Signature is %d bytes, want 256", n)
	}
}

// TestSignatureStable pins the hash family: signatures may be stored and
// compared across releases, so any change here must be deliberate.
func TestSignatureStable(t *testing.T) {
	sig := Sign(Shingles(report2023))
	got := fmt.Sprintf("%08x", sig[:4])
	const want = "[0001518d 0031de16 00836013 00447f66]"
	if got != want {
		t.Errorf("Sign(report2023)[:4] = %s, want %s", got, want)
	}
}

// cjkPool holds common characters for generating Chinese-like texts.
var cjkPool = []rune("的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于" +
	"着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还" +
	"进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情" +
	"明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或" +
	"新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员" +
	"解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太" +
	"量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基" +
	"眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交" +
	"规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济" +
	"车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调" +
	"深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越" +
	"器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历" +
	"首医局突专费号尽另周较注语仅考落青随选列武红响虽推势参希古众构房半节土投某案黑维")

// randomTexts generates n deterministic Chinese-like texts of 200-600
// runes with punctuation and the odd number, as stand-ins for unrelated
// reports.
func randomTexts(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 0x73696d))
	out := make([]string, n)
	var b strings.Builder
	for i := range out {
		b.Reset()
		length := 200 + rng.IntN(400)
		for j := 0; j < length; j++ {
			switch k := rng.IntN(100); {
			case k < 6:
				b.WriteString("，")
			case k < 8:
				b.WriteString("。")
			case k < 9:
				fmt.Fprintf(&b, "%d", rng.IntN(10000))
			default:
				b.WriteRune(cjkPool[rng.IntN(len(cjkPool))])
			}
		}
		out[i] = b.String()
	}
	return out
}

// nearCopy changes a few characters of s, as a copied report with its
// year and some figures updated would.
func nearCopy(s string, changes int, rng *rand.Rand) string {
	rs := []rune(s)
	for range changes {
		rs[rng.IntN(len(rs))] = cjkPool[rng.IntN(len(cjkPool))]
	}
	return string(rs)
}

func TestIndexCandidates(t *testing.T) {
	texts := randomTexts(2000, 1)
	rng := rand.New(rand.NewPCG(2, 2))
	texts[1500] = nearCopy(texts[137], 5, rng)  // planted near-duplicate
	texts[20], texts[30] = texts[10], texts[10] // planted group of three
	for _, i := range []int{400, 401, 402, 403} {
		texts[i] = "" // blank reports must not pair
	}
	texts[404] = "。，；" // nor punctuation-only ones

	x := NewIndex()
	for i, s := range texts {
		x.Add(i, Sign(Shingles(s)))
	}
	got := x.Candidates(0)
	want := map[[2]int]bool{{137, 1500}: true, {10, 20}: true, {10, 30}: true, {20, 30}: true}
	found, falsePairs := 0, 0
	for i, p := range got {
		if p.A >= p.B {
			t.Errorf("pair %+v not ordered", p)
		}
		if i > 0 && (got[i-1].A > p.A || got[i-1].A == p.A && got[i-1].B >= p.B) {
			t.Errorf("pairs not sorted or duplicated at %d: %+v then %+v", i, got[i-1], p)
		}
		if p.A >= 400 && p.A <= 404 || p.B >= 400 && p.B <= 404 {
			t.Errorf("empty text paired: %+v", p)
		}
		if want[[2]int{p.A, p.B}] {
			found++
			exact := jaccardOf(texts[p.A], texts[p.B])
			if math.Abs(p.Estimate-exact) > 0.15 {
				t.Errorf("pair %+v: exact Jaccard %.3f", p, exact)
			}
		} else {
			falsePairs++
		}
	}
	if found != len(want) {
		t.Errorf("found %d of %d planted pairs in %v", found, len(want), got)
	}
	if falsePairs > 3 {
		t.Errorf("%d false pairs among 2000 unrelated texts", falsePairs)
	}
	if p := x.Candidates(1); len(p) != 3 {
		t.Errorf("Candidates(1) = %v, want only the three identical pairs", p)
	}
}

func TestIndexEmpty(t *testing.T) {
	x := NewIndex()
	for i := range 1000 {
		x.Add(i, Sign(Shingles(strings.Repeat(" 。", i%5))))
	}
	x.Add(1000, Sign(Shingles(report2023)))
	if got := x.Candidates(0); len(got) != 0 {
		t.Errorf("empty texts paired: %v", got[:min(len(got), 5)])
	}

	var zero Index // the zero value must work too
	zero.Add(1, Sign(Shingles(report2023)))
	zero.Add(2, Sign(Shingles(report2024)))
	if got := zero.Candidates(0.5); len(got) != 1 || got[0].A != 1 || got[0].B != 2 {
		t.Errorf("Candidates = %v, want the pair (1, 2)", got)
	}
	// Re-adding a key replaces it; an empty signature removes it.
	zero.Add(2, Sign(Shingles(otherBody)))
	if got := zero.Candidates(0.5); len(got) != 0 {
		t.Errorf("replaced key still pairs: %v", got)
	}
	zero.Add(3, Sign(Shingles(report2023)))
	zero.Add(1, Sign(nil))
	if got := zero.Candidates(0); len(got) != 0 {
		t.Errorf("removed key still pairs: %v", got)
	}
	if got := NewIndex().Candidates(0); got != nil {
		t.Errorf("empty index returned %v", got)
	}
}

func TestIndexConcurrentAdd(t *testing.T) {
	texts := randomTexts(400, 3)
	texts[399] = texts[0]
	x := NewIndex()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(texts); i += 8 {
				x.Add(i, Sign(Shingles(texts[i])))
				if i%50 == 0 {
					x.Candidates(0.9)
				}
			}
		}()
	}
	wg.Wait()
	got := x.Candidates(0.9)
	if len(got) != 1 || got[0] != (Pair{A: 0, B: 399, Estimate: 1}) {
		t.Errorf("Candidates = %v, want [{0 399 1}]", got)
	}
}

func FuzzPassages(f *testing.F) {
	// Seeds stay short: the fuzzer minimizes every input that finds new
	// coverage, and minimizing kilobyte-sized reports eats the whole run.
	f.Add("本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态。", "坚持以公开为常态，不公开为例外,全面推进决策.")
	f.Add("主动公开政府信息1234条，其中通过门户网站公开986条。", "主动公开政府信息1302条，其中通过门户网站公开1011条。")
	f.Add("２０２３年共主动公开政府信息１２３４条", "2023年共主动公开政府信息1234条")
	f.Add("\xff中\xfe文\xe4abcdefghijk", "abcdefghijk\xe4")
	f.Add("cafe\u0301 cafe\u0301 ㎡㎡\u1100\u1161", "café café m2m2가")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, a, b string) {
		na := string(Normalize(a))
		if utf8.ValidString(a) && na != referenceNormalize(a) {
			t.Fatalf("Normalize(%q) = %q, reference %q", a, na, referenceNormalize(a))
		}
		for _, c := range []struct{ minRunes, max int }{{20, 3}, {0, 10}, {-5, 2}} {
			got := Passages(a, b, c.minRunes, c.max)
			if len(got) > c.max {
				t.Fatalf("%d passages, max %d", len(got), c.max)
			}
			for _, p := range got {
				if !utf8.ValidString(p) {
					t.Fatalf("invalid UTF-8 passage %q", p)
				}
				n := utf8.RuneCountInString(p)
				if n > maxPassageRunes+1 {
					t.Fatalf("passage of %d runes", n)
				}
				if n == maxPassageRunes+1 && strings.HasSuffix(p, "…") {
					continue // cut, possibly inside a normalization segment
				}
				np := Normalize(p)
				if len(np) < max(c.minRunes, K) {
					t.Fatalf("passage %q has %d normalized runes, minimum %d", p, len(np), max(c.minRunes, K))
				}
				if !strings.Contains(na, string(np)) {
					t.Fatalf("passage %q (normalized %q) not in normalized a %q", p, string(np), na)
				}
			}
		}
		// A prepared text quotes the same passages, reused against several.
		tx := Prepare(a)
		for _, other := range []string{b, a, b} {
			if got, want := tx.Passages(other, 20, 3), Passages(a, other, 20, 3); !slices.Equal(got, want) {
				t.Fatalf("prepared %q vs %q: %q, want %q", a, other, got, want)
			}
		}
		m := Compare(a, b)
		if m.Jaccard < 0 || m.Jaccard > 1 || m.Containment < m.Jaccard || m.Containment > 1 {
			t.Fatalf("Compare = %+v", m)
		}
	})
}

// benchText is a 3,000-rune report: real report prose followed by
// generated text, so nearly every shingle is distinct, as in a long report.
var benchText = func() string {
	s := report2023 + "\n" + otherBody + "\n" + strings.Join(randomTexts(10, 9), "\n")
	return string([]rune(s)[:3000])
}()

func BenchmarkShingles(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		Shingles(benchText)
	}
	b.ReportMetric(float64(utf8.RuneCountInString(benchText)), "runes")
}

func BenchmarkSign(b *testing.B) {
	sh := Shingles(benchText)
	for b.Loop() {
		Sign(sh)
	}
	b.ReportMetric(float64(len(sh)), "shingles")
}

func BenchmarkCompare(b *testing.B) {
	other := strings.ReplaceAll(benchText, "2021", "2022")
	for b.Loop() {
		Compare(benchText, other)
	}
}

func BenchmarkIndex(b *testing.B) {
	texts := randomTexts(10000, 4)
	rng := rand.New(rand.NewPCG(5, 5))
	for i := 0; i < 100; i++ {
		texts[i*97+1] = nearCopy(texts[i*97], 5, rng)
	}
	sigs := make([]Signature, len(texts))
	for i, s := range texts {
		sigs[i] = Sign(Shingles(s))
	}
	var pairs int
	for b.Loop() {
		x := NewIndex()
		for i, s := range sigs {
			x.Add(i, s)
		}
		pairs = len(x.Candidates(0.5))
	}
	b.ReportMetric(float64(pairs), "pairs")
}

// TestClusters: the planted near-duplicates end in one cluster, unrelated
// texts in none, and ten thousand identical texts make one cluster quickly.
func TestClusters(t *testing.T) {
	base := "本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开。2023年共主动公开政府信息1234条，收到政府信息公开申请56件，均已按期答复。"
	x := NewIndex()
	x.Add(1, Sign(Shingles(base)))
	x.Add(2, Sign(Shingles(strings.Replace(base, "1234", "1302", 1))))
	x.Add(3, Sign(Shingles("二〇二三年，本县水利局围绕防汛抗旱、农村饮水安全和河湖长制工作，依法公开工程项目招标、资金使用和质量监督信息，回应群众关切。")))
	x.Add(4, Sign(Shingles(strings.Replace(base, "56", "57", 1))))
	got := x.Clusters(0.5)
	if len(got) != 1 || !slices.Equal(got[0], []int{1, 2, 4}) {
		t.Fatalf("clusters %v, want [[1 2 4]]", got)
	}
	big := NewIndex()
	sig := Sign(Shingles(base))
	for i := range 10000 {
		big.Add(i, sig)
	}
	if cs := big.Clusters(0.5); len(cs) != 1 || len(cs[0]) != 10000 {
		t.Fatalf("identical texts: %d clusters", len(cs))
	}
}

func TestSignatureBytes(t *testing.T) {
	sig := Sign(Shingles("本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外。"))
	got, ok := SignatureFromBytes(sig.Bytes())
	if !ok || got != sig {
		t.Fatalf("round trip: ok %v, equal %v", ok, got == sig)
	}
	if _, ok := SignatureFromBytes(sig.Bytes()[:10]); ok {
		t.Error("a short slice was accepted")
	}
}
