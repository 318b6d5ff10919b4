package eval

import (
	"slices"
	"testing"
)

func TestRegistry(t *testing.T) {
	if got, want := Classifiers(), []string{"nearest-subspace", "knn", "svm"}; !slices.Equal(got, want) {
		t.Errorf("Classifiers() = %v, want %v", got, want)
	}
	names := Classifiers()
	names[0] = "changed"
	if Classifiers()[0] != "nearest-subspace" {
		t.Error("Classifiers returned the registry's own slice")
	}
	for _, c := range []struct {
		name string
		opt  Options
		want Classifier
	}{
		{"nearest-subspace", Options{}, &NearestSubspace{Rank: 10}},
		{"nearest-subspace", Options{Rank: 3, K: 7}, &NearestSubspace{Rank: 3}},
		{"knn", Options{}, &KNN{K: 0}},
		{"knn", Options{Rank: 3, K: 7}, &KNN{K: 7}},
		{"svm", Options{Rank: 3, K: 7}, &LinearSVM{}},
	} {
		got, err := New(c.name, c.opt)
		if err != nil {
			t.Fatalf("New(%q): %v", c.name, err)
		}
		switch w := c.want.(type) {
		case *NearestSubspace:
			if g, ok := got.(*NearestSubspace); !ok || g.Rank != w.Rank {
				t.Errorf("New(%q, %+v) = %#v, want rank %d", c.name, c.opt, got, w.Rank)
			}
		case *KNN:
			if g, ok := got.(*KNN); !ok || g.K != w.K {
				t.Errorf("New(%q, %+v) = %#v, want K %d", c.name, c.opt, got, w.K)
			}
		case *LinearSVM:
			if g, ok := got.(*LinearSVM); !ok || g.C != 0 || g.Tol != 0 || g.MaxIter != 0 {
				t.Errorf("New(%q, %+v) = %#v, want the defaults", c.name, c.opt, got)
			}
		}
	}
	a, _ := New("knn", Options{})
	b, _ := New("knn", Options{})
	if a == b {
		t.Error("New returned the same classifier twice")
	}
	if _, err := New("redunet", Options{}); err == nil {
		t.Error(`New("redunet"): no error`)
	}
}
