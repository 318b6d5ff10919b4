package redunet_test

import (
	"context"
	"math"
	"testing"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/redunet"
)

// TestModelVersion1 loads model files written by the last version-1 build
// (the two engines: its vector models stored every layer's input, its conv
// models the training input) and checks that the one engine applies them as
// that build did: its features of the first 3 test images of classes 0 and
// 1 of testdata/mnist, written by its `features` command, agree to 1e-12.
// The engines round differently (~1e-16 per operation), and the vector
// net's classes of 5 samples have a_j = d/(m_j·ε²) = 1568, so the Woodbury
// form a·I − a²·YᵀY cancels about six digits: measured 3.1e-13 (vector) and
// 0 (conv2d, the same operations in the same order) when this test was
// written.
func TestModelVersion1(t *testing.T) {
	test, err := datasets.LoadMNIST(context.Background(), "../testdata/mnist", "test")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := test.Subset([]int{0, 1}, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"v1-vector", "v1-conv2d"} {
		m, err := redunet.LoadModel("../testdata/models/" + name + ".rdn")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.Version != 1 || m.Net.Params.Layers != 2 {
			t.Errorf("%s: version %d, %d layers", name, m.Version, m.Net.Params.Layers)
		}
		want, shape, err := datasets.ReadNPY("../testdata/models/" + name + "-test.npy")
		if err != nil {
			t.Fatal(err)
		}
		feats, _, err := m.Net.Transform(context.Background(), sub.X)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(feats[0]) != len(want) || shape[0] != sub.Len() {
			t.Fatalf("%s: %d feature values, the version-1 build wrote %v", name, len(feats[0]), shape)
		}
		d := 0.0
		for i, v := range feats[0] {
			d = max(d, math.Abs(v-want[i]))
		}
		t.Logf("%s: max deviation from the version-1 build %.2g", name, d)
		if d > 1e-12 {
			t.Errorf("%s: features deviate by %.3g from the version-1 build", name, d)
		}
	}
}
