package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/internal/atomicfile"
	"github.com/redunet-go/redunet/report"
)

// This file is the depth ablation (ablation-depth): how deep should a
// ReduNet be? The accuracy of the features at every depth, on the
// training set, the test set and (shift-invariant nets) the all-shifts
// set, for nearest subspace, k-NN and ReduNet's own classifier, and the
// depth that -select-depth would choose on held-out training samples. Its
// report opens with an answer drawn from those numbers.

// DepthStudyName is the name of the depth ablation.
const DepthStudyName = "ablation-depth"

// AblationNames returns the ablations that `redunet repro ablations` runs,
// in order.
func AblationNames() []string {
	return []string{AssignStudyName, TiedStudyName, ParamsStudyName, DepthStudyName}
}

// AblationFiles returns the names of the files the ablation name writes
// into its directory for the nets cfgs: its figures, results.json and
// report.md.
func AblationFiles(name string, cfgs []Config) []string {
	var out []string
	for _, c := range cfgs {
		if name == DepthStudyName {
			out = append(out, "depth-"+c.Name+".png")
			continue
		}
		p := strings.TrimPrefix(name, "ablation-")
		out = append(out, p+"-rates-"+c.Name+".png", p+"-error-"+c.Name+".png")
	}
	return append(out, "results.json", "report.md")
}

// IsAblation reports whether name is an ablation study rather than an
// experiment of the catalogue.
func IsAblation(name string) bool {
	for _, n := range AblationNames() {
		if n == name {
			return true
		}
	}
	return false
}

// DepthStudyConfigs returns the networks of the depth ablation at a scale:
// the vector net on MNIST and the translation-invariant net, as in the
// quick start and mnist-translation (small) or the paper (paper).
func DepthStudyConfigs(scale string) ([]Config, error) {
	tr, err := Lookup("mnist-translation", scale)
	if err != nil {
		return nil, err
	}
	vec := Config{Name: "vector", Description: "vector ReduNet on MNIST", Arch: Vector, Data: "mnist", Classes: "0-9",
		TrainPer: 100, TestPer: 100, Layers: 20, Eta: 0.5, EpsSq: 0.1, Lambda: 500, Rank: 10}
	if scale == Paper {
		vec.TrainPer, vec.TestPer = 500, 500
	}
	tr.Name = "translation"
	return []Config{vec, tr}, nil
}

// StudyNet is one network of a study: its configuration, the sizes of its
// sets, the accuracy at every depth and the depth chosen on held-out
// training samples.
type StudyNet struct {
	Config  Config         `json:"config"`
	Classes int            `json:"classes"`
	Samples map[string]int `json:"samples"`
	Curve   []Depth        `json:"depths"`
	// Selected is the depth SelectDepth chose on the last SelectFraction
	// of each class's training samples, and SelectedCurve the held-out
	// accuracies it chose from.
	Selected      int     `json:"selected_depth"`
	SelectedCurve []Depth `json:"selected_curve"`
	Seconds       float64 `json:"seconds"`
}

// SelectFraction is the share of each class's training samples that the
// depth study holds out to select the depth.
const SelectFraction = 0.2

// Study is the result of an ablation, what its results.json holds.
type Study struct {
	Name    string             `json:"name"`
	Scale   string             `json:"scale"`
	Answer  string             `json:"answer"`
	Nets    []StudyNet         `json:"nets"`
	Figures []string           `json:"figures"`
	Seconds map[string]float64 `json:"seconds"`
}

// RunDepthStudy runs the depth ablation on prepared data, one Data per
// configuration (with its test and, for a shift-invariant net, all-shifts
// sets), and the depth selection on each configuration's training set as
// loaded (raw, before its layout).
func RunDepthStudy(ctx context.Context, scale string, cfgs []Config, data []*Data, raw []*datasets.Set, opt Options) (*Study, error) {
	st := &Study{Name: DepthStudyName, Scale: scale, Seconds: map[string]float64{}}
	for i, cfg := range cfgs {
		t := time.Now()
		o := opt
		o.ShiftedTrain = false
		res, curve, err := RunDepth(ctx, cfg, data[i], o)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cfg.Name, err)
		}
		sel, selCurve, err := SelectDepth(ctx, cfg, raw[i], SelectFraction, o)
		if err != nil {
			return nil, fmt.Errorf("%s: selecting the depth: %w", cfg.Name, err)
		}
		st.Nets = append(st.Nets, StudyNet{Config: cfg, Classes: len(data[i].Train.Classes), Samples: res.Samples(), Curve: curve, Selected: sel, SelectedCurve: selCurve,
			Seconds: time.Since(t).Seconds()})
		st.Seconds[cfg.Name] = time.Since(t).Seconds()
	}
	st.Answer = depthAnswer(st.Nets)
	return st, nil
}

// best returns the depth of the highest accuracy of classifier c on set s
// (the shallowest of equal ones), that accuracy, and the accuracy after the
// last layer.
func best(curve []Depth, s, c string) (depth int, acc, last float64) {
	acc, last = -1, math.NaN()
	for _, d := range curve {
		a := d.Of(s, c)
		if a > acc {
			depth, acc = d.Layer, a
		}
		last = a
	}
	return depth, acc, last
}

// depthAnswer is the answer of the depth study, from its numbers: where
// each net's test (and all-shifts) accuracy peaks against its last layer,
// and what the held-out selection chose.
func depthAnswer(nets []StudyNet) string {
	const c = "nearest-subspace"
	early, lateShifts, blind := false, false, false
	var parts []string
	for _, n := range nets {
		L := n.Config.Layers
		d, a, last := best(n.Curve, TestSet, c)
		if d < L && a-last > 0.02 {
			early = true
		}
		p := fmt.Sprintf("the %s net's test accuracy is highest at depth %d of %d (%.2f, against %.2f after the last layer)", n.Config.Name, d, L, a, last)
		if _, ok := n.Samples[ShiftsSet]; ok {
			ds, as, ls := best(n.Curve, ShiftsSet, c)
			p += fmt.Sprintf(", its all-shifts accuracy at depth %d (%.2f, against %.2f)", ds, as, ls)
			if as-ls <= 0.02 && ls-n.Curve[0].Of(ShiftsSet, c) > 0.02 {
				lateShifts = true
				if n.Selected < L {
					blind = true
				}
			}
		}
		sel := n.Curve[min(n.Selected, len(n.Curve)-1)].Of(TestSet, c)
		p += fmt.Sprintf("; depth selection on held-out training samples picks depth %d (test accuracy %.2f)", n.Selected, sel)
		parts = append(parts, p)
	}
	lead := "The last layer is within 0.02 of the best depth: "
	switch {
	case early && lateShifts:
		lead = "Depth trades accuracy on the unshifted test images for invariance: "
	case early:
		lead = "Deeper is not better here: "
	}
	out := lead + strings.Join(parts, "; ") + " (nearest subspace on the features)."
	if blind {
		out += " Held-out unshifted samples cannot see invariance, so the selection stops before it."
	}
	return out
}

// SaveStudy writes the study's figures (one accuracy-per-depth plot per
// net), results.json and report.md into dir, each atomically; dir is made
// if needed and removed again if writing fails.
func SaveStudy(ctx context.Context, dir string, st *Study, started time.Time) error {
	return saveInDir(dir, func() error {
		st.Figures = nil
		for _, n := range st.Nets {
			name := "depth-" + n.Config.Name + ".png"
			x := make([]float64, len(n.Curve))
			for i, d := range n.Curve {
				x[i] = float64(d.Layer)
			}
			var series []report.Series
			for _, c := range DepthClassifiers() {
				for _, s := range []struct{ set, suffix string }{{TrainSet, "(train)"}, {TestSet, "(test)"}, {ShiftsSet, "(all shifts)"}} {
					if _, ok := n.Samples[s.set]; !ok {
						continue
					}
					y := make([]float64, len(n.Curve))
					for i, d := range n.Curve {
						y[i] = d.Of(s.set, c)
					}
					series = append(series, report.Series{Name: c + " " + s.suffix, Y: y})
				}
			}
			if err := report.Curves(filepath.Join(dir, name), st.Name+": "+n.Config.Name+" net", "depth (layers)", "accuracy", x, series...); err != nil {
				return err
			}
			st.Figures = append(st.Figures, name)
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		st.Seconds["total"] = time.Since(started).Seconds()
		return writeStudy(ctx, dir, st, func(w io.Writer) error { return WriteStudy(w, st) })
	})
}

// writeStudy writes a study's results.json (v, indented) and its report.md
// (by md) into dir, each atomically.
func writeStudy(ctx context.Context, dir string, v any, md func(io.Writer) error) error {
	if err := atomicfile.WriteContext(ctx, filepath.Join(dir, "results.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}); err != nil {
		return err
	}
	return atomicfile.WriteContext(ctx, filepath.Join(dir, "report.md"), md)
}

// WriteStudy writes the study as Markdown: the title, the answer, then per
// net its configuration, the accuracy at every depth and its figure.
func WriteStudy(w io.Writer, st *Study) error {
	e := &errWriter{w: w}
	e.printf("# %s (%s scale)\n\nAnswer: %s\n\n", st.Name, st.Scale, st.Answer)
	e.printf("How deep should a ReduNet be? Each layer is computed, not trained, so depth is a choice: the accuracy of the features at every depth (0 is the lifted, normalised input), and the depth `train -select-depth %.1f` picks on the last %.0f %% of each class's training samples, held out.\n\n", SelectFraction, 100*SelectFraction)
	for i, n := range st.Nets {
		c := n.Config
		e.printf("## %s\n\n%s: %s, %d classes, %d training and %d test samples per class", c.Name, c.Description, c.Arch, n.Classes, c.TrainPer, c.TestPer)
		if c.Arch != Vector {
			e.printf(", lift → %d channels, kernel %d", c.Channels, c.Kernel)
		}
		e.printf(", %d layers, η = %g, ε² = %g, λ = %g; %.1f s.\n\n", c.Layers, c.Eta, c.EpsSq, c.Lambda, n.Seconds)
		var cols []string
		for _, cl := range DepthClassifiers() {
			for _, s := range []string{TrainSet, TestSet, ShiftsSet} {
				if _, ok := n.Samples[s]; ok {
					cols = append(cols, s+"/"+cl)
				}
			}
		}
		e.printf("| depth | %s | held-out (selection) |\n|---|%s---|\n", strings.Join(cols, " | "), strings.Repeat("---|", len(cols)))
		for j, d := range n.Curve {
			e.printf("| %d |", d.Layer)
			for _, col := range cols {
				s, cl, _ := strings.Cut(col, "/")
				if v := d.Of(s, cl); math.IsNaN(v) {
					e.printf(" – |")
				} else {
					e.printf(" %.4f |", v)
				}
			}
			if j < len(n.SelectedCurve) {
				e.printf(" %.4f |\n", n.SelectedCurve[j].Of(HeldOut, "nearest-subspace"))
			} else {
				e.printf(" – |\n")
			}
		}
		e.printf("\nSelected depth: %d.\n\n", n.Selected)
		if i < len(st.Figures) {
			e.printf("![%s](%s)\n\n", st.Figures[i], st.Figures[i])
		}
	}
	return e.err
}

// saveInDir makes dir if needed and runs save, removing the directories it
// made if save fails.
func saveInDir(dir string, save func() error) error {
	made, err := mkdirAll(dir)
	if err != nil {
		return err
	}
	if err := save(); err != nil {
		if made != "" {
			os.RemoveAll(made)
		}
		return err
	}
	return nil
}
