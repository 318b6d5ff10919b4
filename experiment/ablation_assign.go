package experiment

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/redunet-go/redunet/eval"
	"github.com/redunet-go/redunet/report"
)

// This file is the assignment ablation (ablation-assignment): why is the
// soft assignment π̂ needed? Every layer moves a sample by its estimated
// class membership π̂ = softmax(−λ·‖C_j z‖); the study varies λ, makes
// π̂ hard (λ → ∞), and gives the training samples their true labels (the
// oracle, which test samples can never have), and reports per layer ΔR on
// the training and test sets and how often π̂ is wrong, and the accuracy of
// the final features.

// AssignStudyName is the name of the assignment ablation.
const AssignStudyName = "ablation-assignment"

// Variant is one assignment of the study: a λ, the hard assignment, or the
// oracle (with the default λ for the test samples).
type Variant struct {
	Name   string  `json:"name"`
	Lambda float64 `json:"lambda,omitempty"`
	Hard   bool    `json:"hard,omitempty"`
	Oracle bool    `json:"oracle,omitempty"`
	// EpsSq and Eta, when not zero, replace the configuration's (the
	// parameter ablation); so do Layers and Channels (the tied ablation).
	EpsSq    float64 `json:"eps2,omitempty"`
	Eta      float64 `json:"eta,omitempty"`
	Layers   int     `json:"layers,omitempty"`
	Channels int     `json:"channels,omitempty"`
	// Tied applies the first layer's operators Layers times instead of
	// computing a new layer each time.
	Tied bool `json:"tied,omitempty"`
}

// apply returns cfg with the variant's settings.
func (v Variant) apply(cfg Config) Config {
	if v.Lambda != 0 {
		cfg.Lambda = v.Lambda
	}
	cfg.Hard, cfg.Oracle = v.Hard, v.Oracle
	if v.EpsSq != 0 {
		cfg.EpsSq = v.EpsSq
	}
	if v.Eta != 0 {
		cfg.Eta = v.Eta
	}
	if v.Layers != 0 {
		cfg.Layers = v.Layers
	}
	if v.Channels != 0 {
		cfg.Channels = v.Channels
	}
	return cfg
}

// AssignVariants are the variants of the assignment ablation.
func AssignVariants() []Variant {
	return []Variant{
		{Name: "λ=5", Lambda: 5}, {Name: "λ=50", Lambda: 50}, {Name: "λ=500", Lambda: 500}, {Name: "λ=5000", Lambda: 5000},
		{Name: "hard", Lambda: 500, Hard: true}, {Name: "oracle", Lambda: 500, Oracle: true},
	}
}

// AssignStudyConfigs returns the networks of the assignment ablation at a
// scale: a vector net on MNIST and a translation-invariant one.
func AssignStudyConfigs(scale string) ([]Config, error) {
	tr, err := Lookup("mnist-translation", scale)
	if err != nil {
		return nil, err
	}
	vec := Config{Name: "vector", Description: "vector ReduNet on MNIST", Arch: Vector, Data: "mnist", Classes: "0-9",
		TrainPer: 50, TestPer: 50, Layers: 10, Eta: 0.5, EpsSq: 0.1, Lambda: 500, Rank: 10}
	tr.Name = "translation"
	if scale == Small {
		tr.Channels, tr.Layers = 8, 8
	} else {
		vec.TrainPer, vec.TestPer, vec.Layers = 100, 100, 20
	}
	return []Config{vec, tr}, nil
}

// VariantRun is one variant on one net: per layer the rates and the error
// of π̂, and the accuracy table of the final features.
type VariantRun struct {
	Variant  Variant    `json:"variant"`
	Layers   []Layer    `json:"layers"`
	Accuracy []Accuracy `json:"accuracy"`
	Seconds  float64    `json:"seconds"`
}

// AssignNet is one net of the assignment study with its variants.
type AssignNet struct {
	Config   Config         `json:"config"`
	Classes  int            `json:"classes"`
	Samples  map[string]int `json:"samples"`
	Variants []VariantRun   `json:"variants"`
}

// AssignStudy is the result of a study of variants of one configuration:
// the assignment ablation, or the parameter ablation.
type AssignStudy struct {
	Name    string             `json:"name"`
	Scale   string             `json:"scale"`
	Answer  string             `json:"answer"`
	Intro   string             `json:"intro"`
	Nets    []AssignNet        `json:"nets"`
	Figures []string           `json:"figures"`
	Seconds map[string]float64 `json:"seconds"`
}

// RunAssignStudy runs every variant of AssignVariants on each net (cfgs[i]
// on data[i], which has its test and, shift-invariant, all-shifts sets).
func RunAssignStudy(ctx context.Context, scale string, cfgs []Config, data []*Data, opt Options) (*AssignStudy, error) {
	st, err := runVariants(ctx, AssignStudyName, scale, cfgs, data, func(Config) []Variant { return AssignVariants() }, opt)
	if err != nil {
		return nil, err
	}
	st.Intro = "Why is the soft assignment needed? Every layer moves a sample by its estimated class membership π̂ = softmax(−λ·‖C_j z‖). The variants: λ ∈ {5, 50, 500, 5000}; hard, one-hot π̂ (λ → ∞); and the oracle, which moves the training samples with their true labels (test samples keep the estimate with λ = 500: they can never have the oracle)."
	st.Answer = assignAnswer(st.Nets)
	return st, nil
}

// runVariants runs every variant of variants(cfgs[i]) on each net (cfgs[i]
// on data[i]): a tied variant through runTied, the others through Run.
func runVariants(ctx context.Context, name, scale string, cfgs []Config, data []*Data, variants func(Config) []Variant, opt Options) (*AssignStudy, error) {
	st := &AssignStudy{Name: name, Scale: scale, Seconds: map[string]float64{}}
	for i, base := range cfgs {
		an := AssignNet{Config: base, Classes: len(data[i].Train.Classes)}
		t0 := time.Now()
		for _, v := range variants(base) {
			cfg := v.apply(base)
			o := opt
			o.EvalRates, o.ShiftedTrain = true, false
			t := time.Now()
			run := Run
			if v.Tied {
				run = runTied
			}
			res, err := run(ctx, cfg, data[i], o)
			if err != nil {
				return nil, fmt.Errorf("%s, %s: %w", base.Name, v.Name, err)
			}
			an.Samples = res.Samples()
			an.Variants = append(an.Variants, VariantRun{Variant: v, Layers: res.Layers, Accuracy: res.Accuracy, Seconds: time.Since(t).Seconds()})
		}
		st.Seconds[base.Name] = time.Since(t0).Seconds()
		st.Nets = append(st.Nets, an)
	}
	return st, nil
}

// cell returns the accuracy of classifier c on the features of set s.
func cell(acc []Accuracy, s, c string) float64 {
	for _, a := range acc {
		if a.Set == s && a.Input == Features && a.Classifier == c {
			return a.Accuracy
		}
	}
	return math.NaN()
}

// piError returns how often the last layer's π̂ is wrong on the training
// and on the test samples.
func (v VariantRun) piError() (train, test float64) {
	if len(v.Layers) == 0 {
		return math.NaN(), math.NaN()
	}
	l := v.Layers[len(v.Layers)-1]
	train, test = 1-l.TrainAccuracy, math.NaN()
	if len(l.EvalAccuracy) > 0 {
		test = 1 - l.EvalAccuracy[0]
	}
	return train, test
}

// assignAnswer is the answer of the assignment study, from its numbers:
// per net, how often the paper's π̂ (λ = 500) is wrong, what the other
// assignments and the oracle give on the test set against it, and a
// verdict drawn from those differences.
func assignAnswer(nets []AssignNet) string {
	const c = "nearest-subspace"
	var parts []string
	oracleHelps := false
	for _, n := range nets {
		byName := map[string]*VariantRun{}
		for i := range n.Variants {
			byName[n.Variants[i].Variant.Name] = &n.Variants[i]
		}
		def, hard, oracle := byName["λ=500"], byName["hard"], byName["oracle"]
		if def == nil || hard == nil || oracle == nil {
			continue
		}
		var bestSoft *VariantRun
		for i := range n.Variants {
			v := &n.Variants[i]
			if !v.Variant.Hard && !v.Variant.Oracle && (bestSoft == nil || cell(v.Accuracy, TestSet, c) > cell(bestSoft.Accuracy, TestSet, c)) {
				bestSoft = v
			}
		}
		trErr, teErr := def.piError()
		a := func(v *VariantRun, s string) float64 { return cell(v.Accuracy, s, c) }
		p := fmt.Sprintf("on the %s net the paper's π̂ (λ = 500) is wrong on %.0f %% of the training and %.0f %% of the test samples after the last layer, and its features give %.2f on the test set;"+
			" the best soft assignment (%s) gives %.2f, the hard one %.2f, and the oracle, which moves every training sample with its true label, %.2f",
			n.Config.Name, 100*trErr, 100*teErr, a(def, TestSet), bestSoft.Variant.Name, a(bestSoft, TestSet), a(hard, TestSet), a(oracle, TestSet))
		if _, ok := n.Samples[ShiftsSet]; ok {
			p += fmt.Sprintf(" (all shifts: λ = 500 %.2f, %s %.2f, hard %.2f, oracle %.2f)", a(def, ShiftsSet), bestSoft.Variant.Name, a(bestSoft, ShiftsSet), a(hard, ShiftsSet), a(oracle, ShiftsSet))
		}
		if a(oracle, TestSet) > a(def, TestSet)+0.01 {
			oracleHelps = true
		}
		parts = append(parts, p)
	}
	lead := "Correct training assignments do not make better test features: "
	if oracleHelps {
		lead = "The estimated assignment costs test accuracy: "
	}
	return lead + strings.Join(parts, "; ") + " (nearest subspace on the features)."
}

// SaveAssignStudy writes the study's figures (ΔR and the error of π̂ per
// layer, per net), results.json and report.md into dir, each atomically;
// dir is made if needed and removed again if writing fails.
func SaveAssignStudy(ctx context.Context, dir string, st *AssignStudy, started time.Time) error {
	return saveInDir(dir, func() error {
		st.Figures = nil
		for _, n := range st.Nets {
			if len(n.Variants) == 0 || len(n.Variants[0].Layers) == 0 {
				continue
			}
			L := 0
			for _, v := range n.Variants {
				L = max(L, len(v.Layers))
			}
			x := make([]float64, L)
			for i := range x {
				x[i] = float64(i + 1)
			}
			var rates, errs []report.Series
			for _, v := range n.Variants {
				tr, te, et, ee := nans(L), nans(L), nans(L), nans(L) // a variant of fewer layers: missing values
				for i, l := range v.Layers {
					tr[i], et[i] = l.True.DeltaR, 1-l.TrainAccuracy
					if len(l.Eval) > 0 {
						te[i] = l.Eval[0].DeltaR
					}
					if len(l.EvalAccuracy) > 0 {
						ee[i] = 1 - l.EvalAccuracy[0]
					}
				}
				rates = append(rates, report.Series{Name: v.Variant.Name + " (train)", Y: tr}, report.Series{Name: v.Variant.Name + " (test)", Y: te})
				errs = append(errs, report.Series{Name: v.Variant.Name + " (train)", Y: et}, report.Series{Name: v.Variant.Name + " (test)", Y: ee})
			}
			for _, f := range []struct {
				name, ylabel string
				s            []report.Series
			}{{st.figurePrefix() + "-rates-" + n.Config.Name + ".png", "ΔR", rates}, {st.figurePrefix() + "-error-" + n.Config.Name + ".png", "π̂ wrong (fraction)", errs}} {
				if err := report.Curves(filepath.Join(dir, f.name), st.Name+": "+n.Config.Name+" net", "layer", f.ylabel, x, f.s...); err != nil {
					return err
				}
				st.Figures = append(st.Figures, f.name)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		st.Seconds["total"] = time.Since(started).Seconds()
		return writeStudy(ctx, dir, st, func(w io.Writer) error { return WriteAssignStudy(w, st) })
	})
}

// WriteAssignStudy writes the study as Markdown: the title, the answer,
// then per net a table of its variants and its figures.
func WriteAssignStudy(w io.Writer, st *AssignStudy) error {
	e := &errWriter{w: w}
	e.printf("# %s (%s scale)\n\nAnswer: %s\n\n", st.Name, st.Scale, st.Answer)
	e.printf("%s\n\n", st.Intro)
	for _, n := range st.Nets {
		c := n.Config
		e.printf("## %s\n\n%s: %s, %d classes, %d training and %d test samples per class", c.Name, c.Description, c.Arch, n.Classes, c.TrainPer, c.TestPer)
		if c.Arch != Vector {
			e.printf(", lift → %d channels, kernel %d", c.Channels, c.Kernel)
		}
		e.printf(", %d layers, η = %g, ε² = %g, λ = %g unless the variant says otherwise.\n\n", c.Layers, c.Eta, c.EpsSq, c.Lambda)
		_, shifts := n.Samples[ShiftsSet]
		e.printf("| variant | ΔR train (last layer) | ΔR test | π̂ wrong, train | π̂ wrong, test | train | test |")
		if shifts {
			e.printf(" all shifts |")
		}
		e.printf(" ReduNet's own, test | seconds |\n|---|---|---|---|---|---|---|")
		if shifts {
			e.printf("---|")
		}
		e.printf("---|---|\n")
		for _, v := range n.Variants {
			l := v.Layers[len(v.Layers)-1]
			dt := math.NaN()
			if len(l.Eval) > 0 {
				dt = l.Eval[0].DeltaR
			}
			et, ee := v.piError()
			e.printf("| %s | %.4f | %.4f | %.3f | %.3f | %.3f | %.3f |", v.Variant.Name, l.True.DeltaR, dt, et, ee,
				cell(v.Accuracy, TrainSet, "nearest-subspace"), cell(v.Accuracy, TestSet, "nearest-subspace"))
			if shifts {
				e.printf(" %.3f |", cell(v.Accuracy, ShiftsSet, "nearest-subspace"))
			}
			e.printf(" %.3f | %.1f |\n", cell(v.Accuracy, TestSet, Own), v.Seconds)
		}
		e.printf("\nAccuracies are nearest subspace on the features unless named.\n\n")
		for _, f := range st.Figures {
			if strings.HasSuffix(f, "-"+c.Name+".png") {
				e.printf("![%s](%s)\n\n", f, f)
			}
		}
	}
	return e.err
}

// figurePrefix names a study's figures: "assignment", "params".
func (st *AssignStudy) figurePrefix() string {
	return strings.TrimPrefix(st.Name, "ablation-")
}

// ParamsStudyName is the name of the parameter ablation.
const ParamsStudyName = "ablation-params"

// ParamsVariants are the variants of the parameter ablation: ε² with the
// default η, then η with the default ε².
func ParamsVariants() []Variant {
	var v []Variant
	for _, e := range []float64{0.01, 0.1, 0.5, 1} {
		v = append(v, Variant{Name: fmt.Sprintf("ε²=%g", e), EpsSq: e})
	}
	for _, eta := range []float64{0.1, 1} {
		v = append(v, Variant{Name: fmt.Sprintf("η=%g", eta), Eta: eta})
	}
	return v
}

// RunParamsStudy runs the parameter ablation: the nets of the assignment
// ablation with ε² ∈ {0.01, 0.1, 0.5, 1} and η ∈ {0.1, 0.5, 1} (the
// defaults ε² = 0.1, η = 0.5 are the variant ε²=0.1).
func RunParamsStudy(ctx context.Context, scale string, cfgs []Config, data []*Data, opt Options) (*AssignStudy, error) {
	st, err := runVariants(ctx, ParamsStudyName, scale, cfgs, data, func(Config) []Variant { return ParamsVariants() }, opt)
	if err != nil {
		return nil, err
	}
	st.Intro = "How do ε² (the squared distortion of the coding rate) and η (the step size) matter? The same nets and data with ε² ∈ {0.01, 0.1, 0.5, 1} at η = 0.5, and η ∈ {0.1, 0.5, 1} at ε² = 0.1 (the variant ε²=0.1 is the paper's default, η = 0.5)."
	st.Answer = paramsAnswer(st.Nets)
	return st, nil
}

// paramsAnswer is the answer of the parameter study, from its numbers: per
// net the best and worst variant on the test set and the spread.
func paramsAnswer(nets []AssignNet) string {
	const c = "nearest-subspace"
	var parts []string
	for _, n := range nets {
		if len(n.Variants) == 0 {
			continue
		}
		hi, lo := n.Variants[0], n.Variants[0]
		for _, v := range n.Variants {
			if cell(v.Accuracy, TestSet, c) > cell(hi.Accuracy, TestSet, c) {
				hi = v
			}
			if cell(v.Accuracy, TestSet, c) < cell(lo.Accuracy, TestSet, c) {
				lo = v
			}
		}
		def := n.Variants[0]
		for _, v := range n.Variants {
			if v.Variant.Name == "ε²=0.1" {
				def = v
			}
		}
		p := fmt.Sprintf("on the %s net test accuracy ranges from %.2f (%s) to %.2f (%s), the defaults giving %.2f",
			n.Config.Name, cell(lo.Accuracy, TestSet, c), lo.Variant.Name, cell(hi.Accuracy, TestSet, c), hi.Variant.Name, cell(def.Accuracy, TestSet, c))
		if _, ok := n.Samples[ShiftsSet]; ok {
			slo, shi := n.Variants[0], n.Variants[0]
			for _, v := range n.Variants {
				if cell(v.Accuracy, ShiftsSet, c) > cell(shi.Accuracy, ShiftsSet, c) {
					shi = v
				}
				if cell(v.Accuracy, ShiftsSet, c) < cell(slo.Accuracy, ShiftsSet, c) {
					slo = v
				}
			}
			p += fmt.Sprintf(", and all-shifts accuracy from %.2f (%s) to %.2f (%s), the defaults giving %.2f",
				cell(slo.Accuracy, ShiftsSet, c), slo.Variant.Name, cell(shi.Accuracy, ShiftsSet, c), shi.Variant.Name, cell(def.Accuracy, ShiftsSet, c))
		}
		p += fmt.Sprintf("; the last layer's training ΔR goes from %.3g to %.3g", minRate(n.Variants), maxRate(n.Variants))
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ") + " (nearest subspace on the features)."
}

func lastRate(v VariantRun) float64 {
	if len(v.Layers) == 0 {
		return math.NaN()
	}
	return v.Layers[len(v.Layers)-1].True.DeltaR
}

func minRate(vs []VariantRun) float64 {
	m := math.Inf(1)
	for _, v := range vs {
		m = math.Min(m, lastRate(v))
	}
	return m
}

func maxRate(vs []VariantRun) float64 {
	m := math.Inf(-1)
	for _, v := range vs {
		m = math.Max(m, lastRate(v))
	}
	return m
}

// TiedStudyName is the name of the tied-vs-untied ablation.
const TiedStudyName = "ablation-tied"

// tiedVariants are the variants of the tied ablation for cfg: the ReduNet
// (a new layer each time), its first layer's operators applied L times,
// one layer with the step L·η, and (shift-invariant nets) the first layer
// of a net with twice the lift channels applied L times.
func tiedVariants(cfg Config) []Variant {
	L := cfg.Layers
	v := []Variant{
		{Name: "untied (ReduNet)"},
		{Name: "tied", Tied: true},
		{Name: fmt.Sprintf("one layer, η=%g", float64(L)*cfg.Eta), Layers: 1, Eta: float64(L) * cfg.Eta},
	}
	if cfg.Arch != Vector && cfg.Channels > 0 {
		v = append(v, Variant{Name: fmt.Sprintf("tied, %d channels", 2*cfg.Channels), Tied: true, Channels: 2 * cfg.Channels})
	}
	return v
}

// RunTiedStudy runs the tied-vs-untied ablation on the nets of the
// assignment ablation.
func RunTiedStudy(ctx context.Context, scale string, cfgs []Config, data []*Data, opt Options) (*AssignStudy, error) {
	st, err := runVariants(ctx, TiedStudyName, scale, cfgs, data, tiedVariants, opt)
	if err != nil {
		return nil, err
	}
	st.Intro = "Why compute a new layer each time instead of applying one layer repeatedly? The ReduNet (untied: every layer's operators computed from its own input), its first layer's operators applied L times (tied), one layer with the step L·η, and, for the shift-invariant net, the first layer of a net with twice the lift channels applied L times. The rates are those of the features after each step."
	st.Answer = tiedAnswer(st.Nets)
	return st, nil
}

// runTied is Run for a tied network: the first layer's operators applied
// cfg.Layers times (tiedRun), then the evaluation protocol.
func runTied(ctx context.Context, cfg Config, data *Data, opt Options) (*Result, error) {
	spec := cfg.spec(data, opt)
	t := time.Now()
	b, layers, err := tiedRun(ctx, data.Train, data.Evals, spec, cfg.Layers)
	if err != nil {
		return nil, err
	}
	res := &Result{Data: data, Input: b.input, Layers: layers, Train: b.train, Evals: b.evals, Seconds: map[string]float64{"build": time.Since(t).Seconds()}}
	res.Dim = len(b.train.Features) / data.Train.Len()
	eo := eval.Options{Rank: cfg.Rank, K: opt.Neighbours}
	if res.Accuracy, err = Evaluate(ctx, len(data.Train.Classes), res.Train, res.Evals, eo); err != nil {
		return nil, err
	}
	return res, nil
}

// tiedAnswer is the answer of the tied study, from its numbers: the rate
// reduction each variant reaches and its accuracies, with a verdict on
// the rate reduction drawn from them.
func tiedAnswer(nets []AssignNet) string {
	const c = "nearest-subspace"
	var parts []string
	untiedHighest := true
	for _, n := range nets {
		if len(n.Variants) < 3 {
			continue
		}
		u, t, o := n.Variants[0], n.Variants[1], n.Variants[2]
		if !(lastRate(u) > lastRate(t) && lastRate(u) > lastRate(o)) {
			untiedHighest = false
		}
		L := n.Config.Layers
		_, shifts := n.Samples[ShiftsSet]
		acc := func(v VariantRun) string {
			s := fmt.Sprintf("%.2f", cell(v.Accuracy, TestSet, c))
			if shifts {
				s += fmt.Sprintf(" (all shifts %.2f)", cell(v.Accuracy, ShiftsSet, c))
			}
			return s
		}
		p := fmt.Sprintf("on the %s net the ReduNet's training features reach ΔR %.4g after %d layers, against %.4g when layer 1 is applied %d times and %.4g for %s; their test accuracy is %s, %s and %s",
			n.Config.Name, lastRate(u), L, lastRate(t), L, lastRate(o), o.Variant.Name, acc(u), acc(t), acc(o))
		if len(n.Variants) > 3 {
			w := n.Variants[3]
			p += fmt.Sprintf(", and %s gives %s (ΔR %.4g, on the scale of its own channels)", w.Variant.Name, acc(w), lastRate(w))
		}
		parts = append(parts, p)
	}
	lead := "Only a new layer each time keeps increasing the rate reduction, the objective: "
	if !untiedHighest {
		lead = "A new layer each time does not always reach the highest rate reduction: "
	}
	return lead + strings.Join(parts, "; ") + " (nearest subspace on the features)."
}

// nans returns n NaNs.
func nans(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}
