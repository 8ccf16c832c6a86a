package check_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/report"
)

// Check one report through the library: build a Checker once (it compiles
// the built-in rule pack), then check as many reports as needed.
func Example() {
	chk, err := check.New(check.Options{})
	if err != nil {
		panic(err)
	}
	res, _ := chk.Check(context.Background(), check.Input{File: "../testdata/seeds/002_a141446f969544e3.txt"})
	fr := res.Report
	fmt.Println(fr.Agency, *fr.Year, *fr.Score, fr.Grade)
	fmt.Println("errors:", fr.Counts.Error, "exit:", res.Code)
	// Output:
	// 威海市科学技术局 2019 85 良好
	// errors: 4 exit: 1
}

// Assess a batch: every report of a directory, paired across years and
// compared for 内容雷同, with a workbook and a dashboard written at the end.
func Example_batch() {
	chk, err := check.New(check.Options{})
	if err != nil {
		panic(err)
	}
	inputs, err := assess.Expand([]string{"../testdata/seeds"})
	if err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "ogi-example-")
	if err != nil {
		panic(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	// The same FORMAT=PATH specs as ogi assess -o.
	outputs, err := report.ParseSpecs([]string{"xlsx=" + filepath.Join(dir, "assessment.xlsx"), "dashboard=" + filepath.Join(dir, "dashboard.html")})
	if err != nil {
		panic(err)
	}
	out, err := assess.Run(context.Background(), inputs, assess.Options{Checker: chk, Lang: "zh", Outputs: outputs})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d reports, %d scored, mean %.1f, exit %d\n", out.Stats.Reports, out.Stats.Scored, out.Stats.Mean, out.Code)
	_, err = os.Stat(filepath.Join(dir, "assessment.xlsx"))
	fmt.Println("workbook written:", err == nil)
	// Output:
	// 5 reports, 5 scored, mean 82.8, exit 1
	// workbook written: true
}
