package engine

import (
	"strings"
	"sync"
	"unicode/utf8"

	"cel.dev/cel-go/common/types/ref"

	"github.com/ogi-checker/ogi/jurisdiction"
	"github.com/ogi-checker/ogi/schema"
	"github.com/ogi-checker/ogi/similarity"
)

// DefaultSimilarityThreshold is the narrative similarity (Jaccard over
// character shingles) at which two texts count as the same text (内容雷同).
// Real reports reuse their own boilerplate year to year at 0.3–0.5; a
// section copied with only the year and numbers changed scores above 0.8.
const DefaultSimilarityThreshold = 0.8

// NarrativeSections are the free-text sections compared across years and
// bodies; the table sections are numbers, compared by the arithmetic rules.
var NarrativeSections = []string{"overview", "problems", "other_matters"}

// minNarrativeRunes keeps short sections (本年度无其他需要报告的事项。) out
// of the comparison: two bodies saying "nothing to report" are not copying.
const minNarrativeRunes = 60

// Peer is another body's report in the same batch whose narrative is nearly
// the same as this one's.
type Peer struct {
	Agency   string   `json:"agency" yaml:"agency"`
	File     string   `json:"file" yaml:"file"`
	Score    float64  `json:"score" yaml:"score"`
	Passages []string `json:"passages" yaml:"passages"`
}

// Related is what a batch knows about a document beyond the document:
// last year's report of the same body, the peers it resembles and the
// jurisdiction it is assessed in. Rules see it as prev, preq, pact,
// has_prev, similarity and jurisdiction.
type Related struct {
	Previous *schema.Document
	Peers    []Peer
	// Jurisdiction replaces the engine's (Options.Jurisdiction) for this
	// document: a manifest row's.
	Jurisdiction *jurisdiction.Profile
	// BodyType (government, department, township) replaces the one read
	// from the document's agency, for the jurisdiction's deadline: a
	// manifest's level.
	BodyType string
}

// Narrative joins a document's narrative sections, for batch-wide
// comparison.
func Narrative(doc *schema.Document) string {
	var out []byte
	for _, id := range NarrativeSections {
		for _, s := range doc.Sections {
			if s.ID == id {
				out = append(out, s.Text...)
				out = append(out, '\n')
			}
		}
	}
	return string(out)
}

func sectionText(doc *schema.Document, id string) string {
	for _, s := range doc.Sections {
		if s.ID == id {
			return s.Text
		}
	}
	return ""
}

// similarityFacts is the value of the CEL variable similarity, built on the
// first rule that reads it:
//
//	threshold: double
//	previous:  map section id → {score: double, passages: list(string)}
//	peers:     list of {agency, file: string, score: double, passages: list(string)}
type similarityFacts struct {
	once  sync.Once
	val   ref.Val
	doc   *schema.Document
	prev  *schema.Document
	peers []Peer
	thr   float64
}

func (s *similarityFacts) value() ref.Val {
	s.once.Do(func() {
		prev := map[string]any{}
		if s.prev != nil {
			for _, id := range NarrativeSections {
				a, b := sectionText(s.doc, id), sectionText(s.prev, id)
				if len(similarity.Normalize(a)) < minNarrativeRunes || len(similarity.Normalize(b)) < minNarrativeRunes {
					continue
				}
				m := similarity.Compare(a, b)
				prev[id] = map[string]any{"score": m.Jaccard, "passages": passageList(m.Passages)}
			}
		}
		peers := make([]any, 0, len(s.peers))
		for _, p := range s.peers {
			peers = append(peers, map[string]any{"agency": p.Agency, "file": p.File, "score": p.Score, "passages": passageList(p.Passages)})
		}
		s.val = sharedAdapter.NativeToValue(map[string]any{"threshold": s.thr, "previous": prev, "peers": peers})
	})
	return s.val
}

// passageList is the CEL list of quoted passages, their lines joined.
func passageList(ps []string) []any {
	out := make([]any, len(ps))
	for i, p := range ps {
		out[i] = unwrap(p)
	}
	return out
}

// unwrap joins a passage's lines: in Chinese text a line break inside a
// paragraph is the layout's (a PDF's column width), not the writer's.
func unwrap(s string) string {
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if i > 0 && line != "" && b.Len() > 0 {
			last, _ := utf8.DecodeLastRuneInString(b.String())
			first, _ := utf8.DecodeRuneInString(line)
			if last < utf8.RuneSelf && first < utf8.RuneSelf {
				b.WriteByte(' ')
			}
		}
		b.WriteString(line)
	}
	return b.String()
}
