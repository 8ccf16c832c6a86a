package brief

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Follow-up statuses of an Item.
const (
	// StatusFollowed: most of the item's key wording is in this year's section.
	StatusFollowed = "followed"
	// StatusPartial: some of it is.
	StatusPartial = "partial"
	// StatusRepeated: the item is restated nearly word for word — this
	// year's report repeats the promise instead of saying what came of it.
	StatusRepeated = "repeated"
	// StatusNotFound: this year's section does not take the item up.
	StatusNotFound = "not_found"
	// StatusTooShort: the item has too few words of its own to judge.
	StatusTooShort = "too_short"
)

// Item kinds: a problem last year's report stated, or a measure it promised.
const (
	KindProblem = "problem"
	KindMeasure = "measure"
)

// Thresholds of the heuristic, as shares of an item's key characters found
// in this year's section. Key characters are the item's Chinese characters
// without the stock words every 第五部分 uses (政务公开, 进一步, 加强, 工作…);
// a key character counts as found when it is part of a run of at least
// three characters (or a whole two-character word) that this year's section
// also has. The values were set on the corpus pairs: an item taken up
// again shares its subject (政策解读形式, 依申请公开, 重点领域) and scores above
// one half; unrelated items share a stray word and stay below a fifth.
const (
	followedShare = 0.5
	partialShare  = 0.2
	// repeatedShare of the item's whole wording (stock words included) in
	// runs of at least repeatedRunes characters makes it a repetition.
	repeatedShare = 0.8
	repeatedRunes = 8
	minTermRunes  = 3
	// minKeyRunes: items with fewer key characters are not judged.
	minKeyRunes = 4
	maxTerms    = 5
)

// FollowUp says whether this year's 第五部分 takes up the problems and
// measures last year's 第五部分 stated. It is a heuristic over shared
// wording — it finds that an item is mentioned again, not that it was
// fixed — and every judgement carries its evidence: the shared words and
// this year's sentence that shares the most.
type FollowUp struct {
	// ThisMissing and LastMissing: that year's section was not found.
	ThisMissing bool `json:"this_missing,omitempty"`
	LastMissing bool `json:"last_missing,omitempty"`
	// RefersBack quotes the first sentence of this year's section that
	// names last year (上年, 去年, the year itself); "" when none does.
	RefersBack string `json:"refers_back"`
	Items      []Item `json:"items"`
	// Counts by status.
	Followed int `json:"followed"`
	Partial  int `json:"partial"`
	Repeated int `json:"repeated"`
	NotFound int `json:"not_found"`
	TooShort int `json:"too_short"`
}

// Item is one problem or measure of last year's section and what this
// year's section says of it.
type Item struct {
	Kind string `json:"kind"`
	// Text is last year's wording, cut to 80 characters.
	Text   string `json:"text"`
	Status string `json:"status"`
	// Score is the share of the item's key characters found this year,
	// rounded to three decimals.
	Score float64 `json:"score"`
	// Terms are the shared runs, longest first, at most five.
	Terms []string `json:"terms"`
	// Evidence is this year's sentence sharing the most terms, cut to 80
	// characters; "" when none shares any.
	Evidence string `json:"evidence"`
}

func followUp(thisText, lastText string, lastYear int) FollowUp {
	f := FollowUp{Items: []Item{}, ThisMissing: strings.TrimSpace(thisText) == "", LastMissing: strings.TrimSpace(lastText) == ""}
	if f.ThisMissing {
		thisText = ""
	}
	this := oneLine(thisText)
	f.RefersBack = refersBack(this, lastYear)
	thisHan := han(this)
	// Evidence is quoted by sentence, a lead-in (…抓好以下工作：) apart.
	sentences := splitKeep(this, "。；;！？!?：:")
	for _, it := range extractItems(lastText) {
		item := judge(it, thisHan, sentences)
		switch item.Status {
		case StatusFollowed:
			f.Followed++
		case StatusPartial:
			f.Partial++
		case StatusRepeated:
			f.Repeated++
		case StatusNotFound:
			f.NotFound++
		default:
			f.TooShort++
		}
		f.Items = append(f.Items, item)
	}
	return f
}

func judge(it rawItem, thisHan string, sentences []string) Item {
	item := Item{Kind: it.kind, Text: clip(it.text, maxQuoteRunes), Terms: []string{}}
	var keyRunes int
	var terms []string
	var covered int
	for _, run := range keyRuns(it.text) {
		keyRunes += len(run)
		c, ts := cover(run, thisHan, minTermRunes)
		covered += c
		terms = append(terms, ts...)
	}
	if keyRunes < minKeyRunes {
		item.Status = StatusTooShort
		return item
	}
	item.Score = round3(float64(covered) / float64(keyRunes))
	item.Terms = topTerms(terms)
	item.Evidence = evidence(sentences, item.Terms)
	whole := []rune(han(it.text))
	if c, _ := cover(whole, thisHan, repeatedRunes); len(whole) >= 2*repeatedRunes && float64(c) >= repeatedShare*float64(len(whole)) {
		item.Status = StatusRepeated
		return item
	}
	switch {
	case item.Score >= followedShare:
		item.Status = StatusFollowed
	case item.Score >= partialShare:
		item.Status = StatusPartial
	default:
		item.Status = StatusNotFound
	}
	return item
}

// cover walks run greedily, taking at each position the longest stretch of
// at least minRunes characters (or the whole run, when shorter) that text
// contains; it returns the characters covered and the stretches.
func cover(run []rune, text string, minRunes int) (int, []string) {
	if len(run) < minRunes {
		if len(run) >= 2 && strings.Contains(text, string(run)) {
			return len(run), []string{string(run)}
		}
		return 0, nil
	}
	var n int
	var terms []string
	for i := 0; i < len(run); {
		best := 0
		for l := minRunes; i+l <= len(run); l++ {
			if !strings.Contains(text, string(run[i:i+l])) {
				break
			}
			best = l
		}
		if best == 0 {
			i++
			continue
		}
		n += best
		terms = append(terms, string(run[i:i+best]))
		i += best
	}
	return n, terms
}

func topTerms(terms []string) []string {
	out := []string{}
	for _, t := range terms {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	if len(out) > maxTerms {
		out = out[:maxTerms]
	}
	return out
}

// evidence is the sentence holding the most characters of terms, the
// earliest on a tie.
func evidence(sentences, terms []string) string {
	best, bestN := "", 0
	for _, s := range sentences {
		h, n := han(s), 0
		for _, t := range terms {
			if strings.Contains(h, t) {
				n += utf8.RuneCountInString(t)
			}
		}
		if n > bestN {
			best, bestN = s, n
		}
	}
	return clip(strings.TrimSpace(best), maxQuoteRunes)
}

func refersBack(text string, lastYear int) string {
	cues := []string{"上年", "去年", "上一年"}
	if lastYear > 0 {
		cues = append(cues, strconv.Itoa(lastYear)+"年")
	}
	for _, s := range splitKeep(text, "。；;！？!?") {
		compact := strings.Join(strings.Fields(s), "")
		for _, c := range cues {
			if strings.Contains(compact, c) {
				return clip(strings.TrimSpace(s), maxQuoteRunes)
			}
		}
	}
	return ""
}

// stockWords are what every 第五部分 says, whatever its subject; they are
// left out of an item's key characters so that two unrelated items do not
// match on them.
var stockWords = regexp.MustCompile(`政府信息公开|政府信息|政务公开|信息公开|工作|进一步|有待|加强|提升|提高|不断|持续|推进|深化|完善|全面|切实|积极|继续|存在|问题|不足|不够|方面|开展|进行|需要|尚需|还需|仍需|加大|力度|水平|能力|有效|及时|相关|我区|我局|我市|我县|本机关|[一二三四五六七八九十]是|主要是|等`)

// keyRuns are the runs of an item's Chinese characters left when the stock
// words are taken out, two characters or longer.
func keyRuns(text string) [][]rune {
	var out [][]rune
	for _, part := range stockWords.Split(text, -1) {
		var cur []rune
		flush := func() {
			if len(cur) >= 2 {
				out = append(out, cur)
			}
			cur = nil
		}
		for _, r := range part {
			if unicode.Is(unicode.Han, r) {
				cur = append(cur, r)
			} else {
				flush()
			}
		}
		flush()
	}
	return out
}

// han keeps only the Chinese characters, so that punctuation, spacing and
// line breaks do not split a shared phrase.
func han(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// splitKeep splits s after each rune of seps, keeping the separator with
// the piece before it; empty pieces are dropped.
func splitKeep(s, seps string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune(seps, r) {
			end := i + utf8.RuneLen(r)
			if p := strings.TrimSpace(s[start:end]); p != "" {
				out = append(out, p)
			}
			start = end
		}
	}
	if p := strings.TrimSpace(s[start:]); p != "" {
		out = append(out, p)
	}
	return out
}
