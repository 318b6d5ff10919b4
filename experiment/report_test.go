package experiment

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/redunet"
	"github.com/redunet-go/redunet/report"
)

// failingWriter accepts n bytes, then fails.
type failingWriter struct{ n int }

var errFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errFull
	}
	w.n -= len(p)
	return len(p), nil
}

func testReport() *Report {
	cfg, _ := Lookup("gaussian2d", Small)
	return &Report{
		Config: cfg, Scale: Small, Data: cfg.Data,
		Input: redunet.Rates{DeltaR: 0.5, R: 1.5, Rc: 1},
		Layers: []Layer{
			{Layer: 1, True: redunet.Rates{DeltaR: 0.6, R: 1.6, Rc: 1}},
			{Layer: 2, True: redunet.Rates{DeltaR: 0.7, R: 1.7, Rc: 1}},
		},
		Accuracy: []Accuracy{
			{TrainSet, Raw, "knn", 0.5}, {TrainSet, Features, "knn", 0.75}, {TrainSet, Features, Own, 1},
		},
		Figures: []string{"rates.png"},
		Seconds: map[string]float64{"build": 1.25},
		Samples: map[string]int{TrainSet: 1000, TestSet: 1000},
	}
}

func TestWriteReport(t *testing.T) {
	r := testReport()
	var b bytes.Buffer
	if err := WriteReport(&b, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"# gaussian2d (small scale)\n",
		"| architecture | vector |\n",
		"| test samples | 1000 |\n| train samples | 1000 |\n",
		"| classifier | train/raw | train/features |\n|---|---|---|\n",
		"| nearest-subspace | – | – |\n",
		"| knn | 0.5000 | 0.7500 |\n",
		"| redunet | – | 1.0000 |\n",
		"| layer 2 | 0.700000 | 1.700000 | 1.000000 |\n",
		"| closed-form limit (R limit ln 11) |  | 2.3979 |  |\n",
		"![rates.png](rates.png)",
		"- build: 1.2\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "shifts*") {
		t.Error("the note on shifts* without an all-shifts set")
	}

	// Every failure of the writer is returned, wherever it happens.
	for n := 0; n < b.Len(); n += 7 {
		if err := WriteReport(&failingWriter{n: n}, r); !errors.Is(err, errFull) {
			t.Fatalf("writer failing after %d bytes: %v, want %v", n, err, errFull)
		}
	}
}

func TestWriteResults(t *testing.T) {
	r := testReport()
	var b bytes.Buffer
	if err := WriteResults(&b, r); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatalf("results.json is not valid JSON: %v", err)
	}
	if len(back.Accuracy) != 3 || back.Config.Name != "gaussian2d" || len(back.Config.Limits) != 3 || back.Workers != 0 {
		t.Errorf("results.json read back: %+v", back)
	}
	// The cells absent from the table are absent from results.json too.
	if strings.Contains(b.String(), "NaN") || strings.Count(b.String(), `"classifier"`) != 3 {
		t.Errorf("results.json:\n%s", b.String())
	}
	if err := WriteResults(&failingWriter{n: 10}, r); !errors.Is(err, errFull) {
		t.Errorf("failing writer: %v", err)
	}
}

func TestCatalogue(t *testing.T) {
	cat := Catalogue()
	var names []string
	for _, e := range cat {
		names = append(names, e.Name)
		for _, c := range []Config{e.Paper, e.Small} {
			if c.Name != e.Name || c.Description != e.Description || c.Eta == 0 || c.EpsSq != 0.1 || c.Lambda != 500 || c.Layers < 1 || c.Rank < 1 {
				t.Errorf("%s: %+v", e.Name, c)
			}
		}
	}
	want := "gaussian2d gaussian3d mnist-rotation mnist-translation mnist2d-binary mnist1d-binary sinusoid cifar10"
	if strings.Join(names, " ") != want {
		t.Errorf("catalogue %v", names)
	}
	// The paper's configuration of translation-invariant MNIST.
	c, err := Lookup("mnist-translation", Paper)
	if err != nil || c.Arch != Conv2D || c.Channels != 75 || c.Kernel != 9 || c.Layers != 25 || c.TrainPer != 10 || !c.Shifts || c.Eta != 0.5 {
		t.Errorf("mnist-translation, paper: %+v, %v", c, err)
	}
	if c, _ := Lookup("sinusoid", Small); c.Eta != 0.1 {
		t.Errorf("sinusoid: η = %v, want 0.1", c.Eta)
	}
	// The closed-form limits: R → ln 11, Rc → ½·ln 21 on the circle.
	g, _ := Lookup("gaussian2d", Small)
	if len(g.Limits) != 3 || math.Abs(g.Limits[0].Y-2.3979) > 1e-4 || math.Abs(g.Limits[1].Y-1.5223) > 1e-4 || math.Abs(g.Limits[2].Y-0.8756) > 1e-4 {
		t.Errorf("gaussian2d limits %v", g.Limits)
	}
	g.Limits[0] = report.Ref{}
	if again, _ := Lookup("gaussian2d", Small); again.Limits[0].Y == 0 {
		t.Error("Lookup shares the catalogue's limits")
	}
	if _, err := Lookup("nonsense", Small); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown experiment: %v", err)
	}
	if _, err := Lookup("gaussian2d", "huge"); err == nil || errors.Is(err, ErrUnknown) {
		t.Errorf("unknown scale: %v", err)
	}
}
