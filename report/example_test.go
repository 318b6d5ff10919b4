package report_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/redunet-go/redunet/report"
)

func ExampleCurves() {
	dir, err := os.MkdirTemp("", "report-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	layers := []float64{1, 2, 3, 4}
	err = report.Curves(filepath.Join(dir, "rates.png"), "coding rates", "layer", "nats", layers,
		report.Series{Name: "ΔR (train)", Y: []float64{0.3, 0.9, 1.4, 1.8}},
		report.Series{Name: "ΔR (test)", Y: []float64{0.25, 0.8, 1.3, 1.7}},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ok")
	// Output: ok
}
