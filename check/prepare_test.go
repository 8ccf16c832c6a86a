package check

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/schema"
)

// TestPrepareFinishMatchesCheckDocument: a report prepared while its
// document is in memory and finished with its peers, without the document,
// is the report CheckDocument makes of the whole document: findings,
// waivers, identities, decisions, score, ledger and exit code alike.
func TestPrepareFinishMatchesCheckDocument(t *testing.T) {
	seeds, err := filepath.Glob("../testdata/seeds/*.txt")
	if err != nil || len(seeds) < 3 {
		t.Fatalf("%d seeds: %v", len(seeds), err)
	}
	ctx := context.Background()
	var docs []*schema.Document
	for _, s := range seeds {
		d, err := ConvertFile(ctx, s, ingest.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	docs = append(docs, engine.SampleDocument(schema.Template2019), engine.SampleDocument(schema.Template2021))
	peers := []engine.Peer{{Agency: "样例市第2局", File: "b.html", Score: 0.91, Passages: []string{"本年度，我局认真贯彻落实《条例》。"}},
		{Agency: "样例市第3局", File: "c.html", Score: 0.3}}
	c, err := New(Options{Waivers: []engine.Waiver{{Rule: "continuity.narrative_shared_with_peer", Match: engine.WaiverWhen{File: "r.txt"}, Reason: "同一模板"},
		{Rule: "*", Match: engine.WaiverWhen{Agency: docs[0].Meta.Agency}, Reason: "已核实"}}})
	if err != nil {
		t.Fatal(err)
	}
	finished := 0
	for i, doc := range docs {
		for _, ps := range [][]engine.Peer{nil, peers} {
			rel := engine.Related{Peers: ps}
			want, err := c.CheckDocument(ctx, "r.txt", doc, rel)
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.Prepare(ctx, "r.txt", doc, rel)
			if err != nil {
				t.Fatal(err)
			}
			if ps != nil {
				// Written and read back, as a batch spills it: the same.
				b, err := p.AppendBinary(nil)
				if err != nil {
					t.Fatal(err)
				}
				if p, err = c.ReadPrepared(b); err != nil {
					t.Fatal(err)
				}
			}
			got, err := c.Finish(ctx, "r.txt", p, rel)
			if errors.Is(err, engine.ErrNeedsDocument) && doc.Meta.Template == nil && doc.Meta.Year == nil {
				continue
			}
			if err != nil {
				t.Fatalf("document %d: %v", i, err)
			}
			finished++
			if got.Document != nil || got.Report.Document != nil {
				t.Errorf("document %d: the finished report carries a document", i)
			}
			want.Report.Document = nil
			g, _ := json.Marshal(got.Report)
			w, _ := json.Marshal(want.Report)
			if string(g) != string(w) || got.Code != want.Code {
				t.Errorf("document %d, %d peers: finished (exit %d)\n%s\nwant (exit %d)\n%s", i, len(ps), got.Code, g, want.Code, w)
			}
		}
	}
	if finished < len(docs) {
		t.Errorf("finished %d of %d checks without the document", finished, 2*len(docs))
	}
	prev := docs[0]
	p, err := c.Prepare(ctx, "r.txt", docs[1], engine.Related{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Finish(ctx, "r.txt", p, engine.Related{Previous: prev}); !errors.Is(err, engine.ErrNeedsDocument) {
		t.Errorf("with last year's report: %v, want ErrNeedsDocument", err)
	}
}
