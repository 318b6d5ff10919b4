package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redunet-go/redunet/datasets"
)

// TestRunDepth: one Depth per depth 0…L; at the last one the cells are those
// the protocol gives the run's final features (the same classifiers on
// the same features), and ReduNet's own appears from layer 1 on.
func TestRunDepth(t *testing.T) {
	cfg := tinyConfig(Conv2D, 3)
	d, err := Prepare(cfg.Layout(), images(6, 2, 6, 6, 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.AddTest(images(4, 2, 6, 6, 2)); err != nil {
		t.Fatal(err)
	}
	if err := d.AddShifts(2); err != nil {
		t.Fatal(err)
	}
	res, curve, err := RunDepth(context.Background(), cfg, d, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(curve) != 4 {
		t.Fatalf("%d depths, want 4", len(curve))
	}
	for l, dep := range curve {
		if dep.Layer != l {
			t.Errorf("depth %d labelled %d", l, dep.Layer)
		}
		own := dep.Of(TestSet, Own)
		if (l == 0) != math.IsNaN(own) {
			t.Errorf("depth %d: own accuracy %v", l, own)
		}
		for _, s := range []string{TrainSet, TestSet, ShiftsSet} {
			if a := dep.Of(s, "nearest-subspace"); !(a >= 0 && a <= 1) {
				t.Errorf("depth %d, %s: nearest subspace %v", l, s, a)
			}
		}
	}
	last := curve[3]
	for _, a := range res.Accuracy {
		if a.Input != Features || a.Classifier == "svm" || a.Set == ShiftedTrainSet {
			continue
		}
		if got := last.Of(a.Set, a.Classifier); got != a.Accuracy {
			t.Errorf("last depth %s/%s = %v, the run's table %v", a.Set, a.Classifier, got, a.Accuracy)
		}
	}
}

// TestSelectDepth: the depth chosen is the best held-out nearest-subspace
// accuracy of the curve (the shallowest of ties), and the held-out samples
// are the last of each class.
func TestSelectDepth(t *testing.T) {
	cfg := tinyConfig(Vector, 4)
	train := images(10, 2, 4, 4, 3)
	fit, held, err := holdOut(train, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	if fit.Len() != 14 || held.Len() != 6 {
		t.Fatalf("held out %d of %d, want 6 of 20", held.Len(), train.Len())
	}
	if _, _, err := holdOut(images(1, 2, 4, 4, 3), 0.5); err == nil {
		t.Errorf("a class of one sample: no error")
	}
	depth, curve, err := SelectDepth(context.Background(), cfg, train, 0.3, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(curve) != 5 {
		t.Fatalf("%d depths, want 5", len(curve))
	}
	for _, d := range curve {
		a, b := d.Of(HeldOut, "nearest-subspace"), curve[depth].Of(HeldOut, "nearest-subspace")
		if a > b || (a == b && d.Layer < depth) {
			t.Errorf("depth %d chosen (%v) but depth %d has %v", depth, b, d.Layer, a)
		}
	}
	if _, _, err := SelectDepth(context.Background(), cfg, train, 1, Options{}); err == nil {
		t.Errorf("fraction 1: no error")
	}
}

// TestDepthStudy: the study's report opens with an answer made of its own
// numbers, and writes its results and one figure per net.
func TestDepthStudy(t *testing.T) {
	vec, conv := tinyConfig(Vector, 3), tinyConfig(Conv2D, 3)
	vec.Name, conv.Name = "vector", "translation"
	vec.TrainPer, conv.TrainPer = 10, 10
	var data []*Data
	var raw []*datasets.Set
	for i, cfg := range []Config{vec, conv} {
		train := images(10, 2, 6, 6, uint64(10+i))
		d, err := Prepare(cfg.Layout(), train)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.AddTest(images(4, 2, 6, 6, uint64(20+i))); err != nil {
			t.Fatal(err)
		}
		if cfg.Arch != Vector {
			if err := d.AddShifts(2); err != nil {
				t.Fatal(err)
			}
		}
		data, raw = append(data, d), append(raw, train)
	}
	st, err := RunDepthStudy(context.Background(), Small, []Config{vec, conv}, data, raw, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range st.Nets {
		d, a, last := best(n.Curve, TestSet, "nearest-subspace")
		want := fmt.Sprintf("the %s net's test accuracy is highest at depth %d of 3 (%.2f, against %.2f after the last layer)", n.Config.Name, d, a, last)
		if !strings.Contains(st.Answer, want) {
			t.Errorf("answer %q lacks %q", st.Answer, want)
		}
		if !strings.Contains(st.Answer, fmt.Sprintf("picks depth %d ", n.Selected)) {
			t.Errorf("answer %q lacks the selected depth %d", st.Answer, n.Selected)
		}
	}
	dir := filepath.Join(t.TempDir(), "study")
	if err := SaveStudy(context.Background(), dir, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(md), "# ablation-depth (small scale)\n\nAnswer: "+st.Answer+"\n") {
		t.Errorf("report.md does not open with the answer:\n%.300s", md)
	}
	var back Study
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil || json.Unmarshal(b, &back) != nil || back.Answer != st.Answer || len(back.Nets) != 2 {
		t.Errorf("results.json: %v", err)
	}
	for _, f := range []string{"depth-vector.png", "depth-translation.png"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestAssignStudy: every variant runs on each net; the answer is made of
// their numbers; the report opens with it and has its figures.
func TestAssignStudy(t *testing.T) {
	vec, conv := tinyConfig(Vector, 2), tinyConfig(Conv2D, 2)
	vec.Name, conv.Name = "vector", "translation"
	var data []*Data
	for i, cfg := range []Config{vec, conv} {
		d, err := Prepare(cfg.Layout(), images(8, 2, 6, 6, uint64(30+i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.AddTest(images(4, 2, 6, 6, uint64(40+i))); err != nil {
			t.Fatal(err)
		}
		if cfg.Arch != Vector {
			if err := d.AddShifts(2); err != nil {
				t.Fatal(err)
			}
		}
		data = append(data, d)
	}
	st, err := RunAssignStudy(context.Background(), Small, []Config{vec, conv}, data, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Nets) != 2 || len(st.Nets[1].Variants) != len(AssignVariants()) {
		t.Fatalf("%d nets, %d variants", len(st.Nets), len(st.Nets[1].Variants))
	}
	or := st.Nets[1].Variants[5]
	if !or.Variant.Oracle || len(or.Layers) != 2 || len(or.Layers[0].EvalAccuracy) != 2 {
		t.Fatalf("oracle run: %+v", or.Variant)
	}
	want := fmt.Sprintf("with its true label, %.2f", cell(or.Accuracy, TestSet, "nearest-subspace"))
	if !strings.Contains(st.Answer, want) {
		t.Errorf("answer %q lacks %q", st.Answer, want)
	}
	dir := filepath.Join(t.TempDir(), "assign")
	if err := SaveAssignStudy(context.Background(), dir, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil || !strings.HasPrefix(string(md), "# ablation-assignment (small scale)\n\nAnswer: "+st.Answer+"\n") {
		t.Errorf("report.md does not open with the answer (%v):\n%.300s", err, md)
	}
	if len(st.Figures) != 4 {
		t.Errorf("figures %v, want 4", st.Figures)
	}
	for _, f := range st.Figures {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestParamsStudy: the parameter ablation runs every variant and its answer
// names the best and worst of them with their accuracies.
func TestParamsStudy(t *testing.T) {
	cfg := tinyConfig(Vector, 2)
	cfg.Name = "vector"
	d, err := Prepare(cfg.Layout(), images(8, 2, 4, 4, 50))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.AddTest(images(4, 2, 4, 4, 51)); err != nil {
		t.Fatal(err)
	}
	st, err := RunParamsStudy(context.Background(), Small, []Config{cfg}, []*Data{d}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	vs := st.Nets[0].Variants
	if len(vs) != len(ParamsVariants()) {
		t.Fatalf("%d variants", len(vs))
	}
	hi := 0.0
	for _, v := range vs {
		hi = math.Max(hi, cell(v.Accuracy, TestSet, "nearest-subspace"))
	}
	if !strings.Contains(st.Answer, fmt.Sprintf("to %.2f (", hi)) {
		t.Errorf("answer %q lacks the best accuracy %.2f", st.Answer, hi)
	}
	dir := filepath.Join(t.TempDir(), "params")
	if err := SaveAssignStudy(context.Background(), dir, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "params-rates-vector.png")); err != nil {
		t.Error(err)
	}
}

// TestTiedStudy: the tied network applies its first layer's operators L
// times; its first step is the ReduNet's first layer exactly (the same
// operators on the same input), its later steps differ; the one-layer
// variant has one layer; the answer names every variant.
func TestTiedStudy(t *testing.T) {
	cfg := tinyConfig(Conv2D, 3)
	cfg.Name = "translation"
	d, err := Prepare(cfg.Layout(), images(8, 2, 6, 6, 60))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.AddTest(images(4, 2, 6, 6, 61)); err != nil {
		t.Fatal(err)
	}
	if err := d.AddShifts(2); err != nil {
		t.Fatal(err)
	}
	st, err := RunTiedStudy(context.Background(), Small, []Config{cfg}, []*Data{d}, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	vs := st.Nets[0].Variants
	if len(vs) != 4 || !vs[1].Variant.Tied || len(vs[2].Layers) != 1 || len(vs[1].Layers) != 3 {
		t.Fatalf("variants %+v", vs)
	}
	untied, tied := vs[0].Layers, vs[1].Layers
	if d := math.Abs(tied[0].True.DeltaR - untied[0].True.DeltaR); d > 1e-12 {
		t.Errorf("step 1: tied ΔR %v, untied %v", tied[0].True.DeltaR, untied[0].True.DeltaR)
	}
	if tied[2].True.DeltaR == untied[2].True.DeltaR {
		t.Errorf("step 3: tied and untied ΔR are equal (%v)", tied[2].True.DeltaR)
	}
	for _, want := range []string{fmt.Sprintf("reach ΔR %.4g after 3 layers, against %.4g when layer 1 is applied 3 times", untied[2].True.DeltaR, tied[2].True.DeltaR),
		"for " + vs[2].Variant.Name + ";", "and " + vs[3].Variant.Name + " gives"} {
		if !strings.Contains(st.Answer, want) {
			t.Errorf("answer %q lacks %q", st.Answer, want)
		}
	}
	dir := filepath.Join(t.TempDir(), "tied")
	if err := SaveAssignStudy(context.Background(), dir, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tied-rates-translation.png")); err != nil {
		t.Error(err)
	}
}

// TestSaveStudyFails: a study that cannot be drawn leaves nothing behind:
// the directories SaveStudy made are removed with the error.
func TestSaveStudyFails(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b")
	st := &Study{Name: DepthStudyName, Scale: Small, Seconds: map[string]float64{},
		Nets: []StudyNet{{Config: Config{Name: "x"}, Curve: []Depth{{Layer: 0}}}}}
	if err := SaveStudy(context.Background(), dir, st, time.Now()); err == nil {
		t.Fatal("a study with nothing to plot was saved")
	}
	if _, err := os.Stat(filepath.Join(root, "a")); !os.IsNotExist(err) {
		t.Errorf("the directories made were left behind: %v", err)
	}
	ast := &AssignStudy{Name: AssignStudyName, Scale: Small, Seconds: map[string]float64{},
		Nets: []AssignNet{{Config: Config{Name: "x"}, Variants: []VariantRun{{Layers: []Layer{{Layer: 1}}}}}}}
	ast.Nets[0].Variants[0].Layers[0].True.DeltaR = math.Inf(1) // a figure cannot draw it
	if err := SaveAssignStudy(context.Background(), dir, ast, time.Now()); err == nil {
		t.Fatal("a study with an infinite rate was saved")
	}
	if _, err := os.Stat(filepath.Join(root, "a")); !os.IsNotExist(err) {
		t.Errorf("the directories made were left behind: %v", err)
	}
}

// TestAblationFiles: the names AblationFiles gives are the files the
// studies write.
func TestAblationFiles(t *testing.T) {
	cfg := tinyConfig(Vector, 1)
	cfg.Name = "vector"
	d, err := Prepare(cfg.Layout(), images(6, 2, 4, 4, 70))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.AddTest(images(3, 2, 4, 4, 71)); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "p")
	st, err := RunParamsStudy(context.Background(), Small, []Config{cfg}, []*Data{d}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := SaveAssignStudy(context.Background(), dir, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := AblationFiles(ParamsStudyName, []Config{cfg})
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("wrote %v, AblationFiles says %v", got, want)
	}
}
