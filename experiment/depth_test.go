package experiment

import (
	"context"
	"math"
	"testing"
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
