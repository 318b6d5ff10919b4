package redunet

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/fft"
)

// This file reproduces the 3-D golden values of DESIGN.md §8.5 3-D cases:
// two fixture directories, testdata/conv3d (m = 6, C = 2, 2×3×4, no lift)
// and testdata/conv3d_lift (m = 6 one-channel 3×4×4 volumes lifted 1→2 by
// the 3×3×3 kernels of kernel.npy), each with 2 layers and K = 2, computed
// by an independent NumPy implementation of DESIGN.md §4 with the full FFT.
// They are compared at goldenTol = 1e-9 (DESIGN.md §8.6 Tolerance).

// ---------------------------------------------------------------------------
// A reader for the .npy files of the fixtures.

// npyArray is an array read from a .npy file: its shape and, by its dtype,
// its float64 ('<f8') or int64 ('<i8') values in C order.
type npyArray struct {
	shape []int
	f64   []float64
	i64   []int64
}

var (
	npyDescr   = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	npyFortran = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShape   = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
)

// npyMaxValues bounds the size of an array this reader accepts (the
// fixtures have at most a few hundred values).
const npyMaxValues = 1 << 20

// parseNPY parses a .npy file of format version 1, 2 or 3 holding a
// little-endian float64 or int64 array in C order. Anything else — another
// magic, version, dtype or byte order, Fortran order, a malformed header, a
// size that does not match the shape — is an error prefixed "npy: "; a file
// cut short is io.ErrUnexpectedEOF. The header and the total size are
// checked before the values are allocated.
func parseNPY(data []byte) (*npyArray, error) {
	const magic = "\x93NUMPY"
	if len(data) < len(magic)+2 {
		if bytes.HasPrefix([]byte(magic), data) {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, errors.New("npy: not a .npy file")
	}
	if string(data[:len(magic)]) != magic {
		return nil, errors.New("npy: not a .npy file")
	}
	major := data[len(magic)]
	rest := data[len(magic)+2:]
	var hlen int
	switch major {
	case 1:
		if len(rest) < 2 {
			return nil, io.ErrUnexpectedEOF
		}
		hlen, rest = int(binary.LittleEndian.Uint16(rest)), rest[2:]
	case 2, 3:
		if len(rest) < 4 {
			return nil, io.ErrUnexpectedEOF
		}
		n := binary.LittleEndian.Uint32(rest)
		if n > 1<<20 {
			return nil, fmt.Errorf("npy: header of %d bytes", n)
		}
		hlen, rest = int(n), rest[4:]
	default:
		return nil, fmt.Errorf("npy: unsupported format version %d", major)
	}
	if len(rest) < hlen {
		return nil, io.ErrUnexpectedEOF
	}
	header, body := string(rest[:hlen]), rest[hlen:]
	if !strings.HasSuffix(header, "\n") {
		return nil, fmt.Errorf("npy: header %q does not end in a newline", header)
	}
	d, f, s := npyDescr.FindStringSubmatch(header), npyFortran.FindStringSubmatch(header), npyShape.FindStringSubmatch(header)
	if d == nil || f == nil || s == nil {
		return nil, fmt.Errorf("npy: header %q lacks descr, fortran_order or shape", header)
	}
	if d[1] != "<f8" && d[1] != "<i8" {
		return nil, fmt.Errorf("npy: dtype %q, want '<f8' or '<i8'", d[1])
	}
	if f[1] != "False" {
		return nil, errors.New("npy: Fortran order is not supported")
	}
	a := &npyArray{}
	n := 1
	for _, field := range strings.Split(s[1], ",") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		v, err := strconv.Atoi(field)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("npy: bad size %q in shape (%s)", field, s[1])
		}
		if v > 0 && n > npyMaxValues/v {
			return nil, fmt.Errorf("npy: shape (%s) has more than %d values", s[1], npyMaxValues)
		}
		n *= v
		a.shape = append(a.shape, v)
	}
	switch {
	case len(body) < 8*n:
		return nil, io.ErrUnexpectedEOF
	case len(body) > 8*n:
		return nil, fmt.Errorf("npy: %d bytes of data for shape (%s), want %d", len(body), s[1], 8*n)
	}
	if d[1] == "<f8" {
		a.f64 = make([]float64, n)
		for i := range a.f64 {
			a.f64[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*i:]))
		}
	} else {
		a.i64 = make([]int64, n)
		for i := range a.i64 {
			a.i64[i] = int64(binary.LittleEndian.Uint64(body[8*i:]))
		}
	}
	return a, nil
}

// readNPY reads the .npy file at path; errors name the file.
func readNPY(path string) (*npyArray, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	a, err := parseNPY(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// TestParseNPY: the reader accepts the fixtures and rejects, with an error
// and never a panic, every truncation of a valid file and every header it
// does not support.
func TestParseNPY(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "conv3d", "y.npy"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := parseNPY(data)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.shape, []int{6}) || len(a.i64) != 6 || a.f64 != nil {
		t.Fatalf("y.npy: shape %v, %d int64, %d float64 values; want shape [6] of int64", a.shape, len(a.i64), len(a.f64))
	}
	for n := 0; n < len(data); n++ {
		if _, err := parseNPY(data[:n]); err == nil {
			t.Errorf("truncated to %d of %d bytes: no error", n, len(data))
		} else if n >= 10 && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("truncated to %d of %d bytes: %v, want io.ErrUnexpectedEOF", n, len(data), err)
		}
	}
	// A header of the same length with one field changed.
	edit := func(old, new string) []byte {
		if len(old) != len(new) || !bytes.Contains(data, []byte(old)) {
			t.Fatalf("cannot replace %q by %q", old, new)
		}
		return bytes.Replace(slices.Clone(data), []byte(old), []byte(new), 1)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"big-endian", edit("'<i8'", "'>i8'"), "dtype"},
		{"float32", edit("'<i8'", "'<f4'"), "dtype"},
		{"Fortran order", edit("False", "True "), "Fortran"},
		{"wrong size", edit("(6,)", "(7,)"), io.ErrUnexpectedEOF.Error()},
		{"extra data", edit("(6,)", "(5,)"), "bytes of data"},
		{"negative size", edit("(6,)", "(-6)"), "bad size"},
		{"version 4", edit("\x93NUMPY\x01", "\x93NUMPY\x04"), "version"},
		{"not npy", edit("\x93NUMPY", "\x93NUMPX"), "not a .npy"},
	} {
		if _, err := parseNPY(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

// ---------------------------------------------------------------------------
// The fixtures.

// golden3DRates is rates.json of a 3-D fixture: the parameters, the true
// labels, and per layer, for the training pass and the test pass, the rates
// [ΔR, R, Rc] of the layer's output under the layer's predicted labels and
// those labels (the test pass uses the test set's own ŷ).
type golden3DRates struct {
	Case   string `json:"case"`
	Params struct {
		Eta        float64 `json:"eta"`
		Eps        float64 `json:"eps"` // ε², as the reference code names it
		Lambda     float64 `json:"lambda"`
		Layers     int     `json:"layers"`
		NumClasses int     `json:"num_classes"`
		Lift       *string `json:"lift"`
	} `json:"params"`
	Y     []int         `json:"y"`
	Train golden3DTrace `json:"train"`
	Test  golden3DTrace `json:"test"`
}

type golden3DTrace struct {
	Rates      [][]float64 `json:"rates"`
	PredLabels [][]int     `json:"pred_labels"`
}

// golden3D is one loaded fixture.
type golden3D struct {
	rates      golden3DRates
	c          int       // input channels
	shape      fft.Shape // D, H, W
	x, xtest   []float64 // inputs, m×C×D×H×W and 3×C×D×H×W
	z, ztest   []float64 // features after the last layer
	zc         int       // feature channels
	y          []int
	lift       *conv.Lift
	p          Params
	mTrain, mT int
}

// loadGolden3D reads the fixture directory ../testdata/<name> and checks
// that its files agree with one another.
func loadGolden3D(t *testing.T, name string) *golden3D {
	t.Helper()
	dir := filepath.Join("..", "testdata", name)
	read := func(file string) *npyArray {
		t.Helper()
		a, err := readNPY(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	floats := func(file string, rank int) ([]float64, []int) {
		t.Helper()
		a := read(file)
		if a.f64 == nil || len(a.shape) != rank {
			t.Fatalf("%s/%s: shape %v, want a float64 array of rank %d", dir, file, a.shape, rank)
		}
		return a.f64, a.shape
	}
	g := &golden3D{}
	js, err := os.ReadFile(filepath.Join(dir, "rates.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &g.rates); err != nil {
		t.Fatalf("%s/rates.json: %v", dir, err)
	}
	rp := g.rates.Params
	g.p = Params{Eta: rp.Eta, EpsSq: rp.Eps, Lambda: rp.Lambda, Layers: rp.Layers}
	// The fixtures use the paper's defaults (DESIGN.md §8.1 Reference codes).
	if g.p != DefaultParams(2) || rp.NumClasses != 2 {
		t.Fatalf("%s: parameters %+v, %d classes; want %+v, 2 classes", dir, g.p, rp.NumClasses, DefaultParams(2))
	}
	var xs, ts, zs, zts []int
	g.x, xs = floats("X.npy", 5)
	g.xtest, ts = floats("Xtest.npy", 5)
	g.z, zs = floats("Z.npy", 5)
	g.ztest, zts = floats("Ztest.npy", 5)
	ya := read("y.npy")
	if ya.i64 == nil || !slices.Equal(ya.shape, xs[:1]) {
		t.Fatalf("%s/y.npy: shape %v, want int64 [%d]", dir, ya.shape, xs[0])
	}
	for _, v := range ya.i64 {
		g.y = append(g.y, int(v))
	}
	if !slices.Equal(g.y, g.rates.Y) {
		t.Fatalf("%s: y.npy %v, rates.json y %v", dir, g.y, g.rates.Y)
	}
	g.mTrain, g.mT, g.c, g.shape, g.zc = xs[0], ts[0], xs[1], fft.Shape(xs[2:]), zs[1]
	if !slices.Equal(ts[1:], xs[1:]) || !slices.Equal(zs[2:], xs[2:]) || zs[0] != xs[0] || !slices.Equal(zts[1:], zs[1:]) || zts[0] != ts[0] {
		t.Fatalf("%s: shapes X %v, Xtest %v, Z %v, Ztest %v do not agree", dir, xs, ts, zs, zts)
	}
	for _, tr := range []golden3DTrace{g.rates.Train, g.rates.Test} {
		if len(tr.Rates) != g.p.Layers || len(tr.PredLabels) != g.p.Layers {
			t.Fatalf("%s/rates.json: %d rates and %d label rows, want %d", dir, len(tr.Rates), len(tr.PredLabels), g.p.Layers)
		}
	}
	if rp.Lift != nil {
		k, ks := floats("kernel.npy", 5)
		if ks[1] != g.c || ks[0] != g.zc || ks[2] != ks[3] || ks[3] != ks[4] {
			t.Fatalf("%s/kernel.npy: shape %v, want %d×%d×k×k×k", dir, ks, g.zc, g.c)
		}
		g.lift = &conv.Lift{In: ks[1], Out: ks[0], K: ks[2], Dims: 3, Kernels: k}
	} else if g.zc != g.c {
		t.Fatalf("%s: no lift, but %d input and %d feature channels", dir, g.c, g.zc)
	}
	return g
}

// golden3DShift is the shift of DESIGN.md §8.5 3-D cases: the last test
// sample is X[1] cyclically shifted by (1, 2, 3) along (D, H, W).
var golden3DShift = []int{1, 2, 3}

// TestGolden3D reproduces both 3-D fixtures at goldenTol = 1e-9 (DESIGN.md
// §8.6 Tolerance), by BuildMulti and, independently of its construction
// pass, by the stage API:
//
//   - the training features (Z.npy) and the test features (Ztest.npy) of
//     construct-then-apply (BuildOptions.Eval) and of Transform on the kept
//     net;
//   - per layer, ŷ and the predicted-label rates of the training pass
//     (LayerResult.Predicted, LayerResult.Pred);
//   - per layer, the test set's ŷ, and the rates of the test features after
//     that layer under that ŷ. BuildMulti returns only the last layer's test
//     ŷ, so the stage API (Encode, Statistics, Factor, Apply, Rates) computes
//     them layer by layer. BuildOptions.EvalLabels must give the same rates
//     when passed the fixture's test ŷ of each layer: the test set is passed
//     once more per layer, set 1+l with the ŷ of layer 1+l (set 0, the test
//     pass proper, has no labels), and LayerResult.Eval keeps one entry per
//     labelled set in order, so entry l of layer 1+l is compared;
//   - the equivariance row: the last test sample is X[1] shifted by
//     (1, 2, 3), so its features are X[1]'s training features shifted, to
//     confTol = 1e-12 (two of our own computations), and its ŷ is X[1]'s.
//
// Measured: conv3d features 3.3e-16, rates 1.1e-16, equivariance 2.2e-16;
// conv3d_lift features 3.3e-16, rates 8.3e-17, equivariance 1.7e-16. The
// fixtures are stored at full float64 precision (.npy, and rates.json with
// 17 significant digits), so the deviations are rounding; 1e-9 is the
// tolerance DESIGN.md §8.6 sets for every golden value.
func TestGolden3D(t *testing.T) {
	for _, name := range []string{"conv3d", "conv3d_lift"} {
		t.Run(name, func(t *testing.T) { testGolden3D(t, loadGolden3D(t, name)) })
	}
}

func testGolden3D(t *testing.T, g *golden3D) {
	ctx := context.Background()
	L, k := g.p.Layers, g.rates.Params.NumClasses
	train, test := g.rates.Train, g.rates.Test
	per := g.c * g.shape.Len()
	zper := g.zc * g.shape.Len()
	last := g.mT - 1

	// The fixture's own statement: its last test input is X[1] shifted.
	if got := conv.Shift(nil, g.x[per:2*per], g.c, g.shape, golden3DShift); !slices.Equal(got, g.xtest[last*per:]) {
		t.Fatalf("the last test sample is not X[1] shifted by %v", golden3DShift)
	}

	// BuildMulti: the test set once as the test pass (no labels), then once
	// per layer with that layer's ŷ from the fixture, for LayerResult.Eval
	// (which has entries only for the labelled sets: Eval[l] is set 1+l).
	evals := [][]float64{g.xtest}
	evalLabels := [][]int{nil}
	for l := 0; l < L; l++ {
		evals = append(evals, g.xtest)
		evalLabels = append(evalLabels, test.PredLabels[l])
	}
	res, err := BuildMulti(ctx, g.x, g.c, g.shape, g.y, k, g.lift, g.p, BuildOptions{Keep: true, Eval: evals, EvalLabels: evalLabels})
	if err != nil {
		t.Fatal(err)
	}
	var dz, dr float64
	dz = max(dz, confCheck(t, "training features", res.Features, g.z, goldenTol))
	for i, e := range res.Eval {
		dz = max(dz, confCheck(t, fmt.Sprintf("test features (construct-then-apply, set %d)", i), e, g.ztest, goldenTol))
	}
	if len(res.Layers) != L {
		t.Fatalf("%d layers, want %d", len(res.Layers), L)
	}
	for l, lr := range res.Layers {
		dr = max(dr, confCheck(t, fmt.Sprintf("layer %d training pred rates", l+1), ratesSlice(lr.Pred), train.Rates[l], goldenTol))
		if !equalInts(lr.Predicted, train.PredLabels[l]) {
			t.Errorf("layer %d: training ŷ %v, want %v", l+1, lr.Predicted, train.PredLabels[l])
		}
		if len(lr.Eval) != L {
			t.Fatalf("layer %d: %d evaluation rates, want %d", l+1, len(lr.Eval), L)
		}
		dr = max(dr, confCheck(t, fmt.Sprintf("layer %d test rates (EvalLabels)", l+1), ratesSlice(lr.Eval[l]), test.Rates[l], goldenTol))
	}
	for i, yh := range res.EvalPredicted {
		if !equalInts(yh, test.PredLabels[L-1]) {
			t.Errorf("set %d: last layer's test ŷ %v, want %v", i, yh, test.PredLabels[L-1])
		}
	}
	feats, yhat, err := res.Net.Transform(ctx, g.xtest)
	if err != nil {
		t.Fatal(err)
	}
	dz = max(dz, confCheck(t, "test features (Transform)", feats[0], g.ztest, goldenTol))
	if !equalInts(yhat[0], test.PredLabels[L-1]) {
		t.Errorf("Transform: test ŷ %v, want %v", yhat[0], test.PredLabels[L-1])
	}

	// The stage API, layer by layer: the test pass's ŷ and own-label rates.
	net, err := NewNet(g.c, g.shape, k, g.lift, g.p)
	if err != nil {
		t.Fatal(err)
	}
	bTrain, err := net.Encode(g.x)
	if err != nil {
		t.Fatal(err)
	}
	bTest, err := net.Encode(g.xtest)
	if err != nil {
		t.Fatal(err)
	}
	for l := 0; l < L; l++ {
		st, err := net.Statistics(bTrain, g.y)
		if err != nil {
			t.Fatal(err)
		}
		layer, err := net.Factor(st)
		if err != nil {
			t.Fatal(err)
		}
		yTrain := layer.Apply(bTrain, nil)
		yTest := layer.Apply(bTest, nil)
		if !equalInts(yTrain, train.PredLabels[l]) {
			t.Errorf("stages, layer %d: training ŷ %v, want %v", l+1, yTrain, train.PredLabels[l])
		}
		if !equalInts(yTest, test.PredLabels[l]) {
			t.Errorf("stages, layer %d: test ŷ %v, want %v", l+1, yTest, test.PredLabels[l])
		}
		if yTest[last] != yTrain[1] {
			t.Errorf("stages, layer %d: ŷ of the shifted X[1] is %d, of X[1] %d", l+1, yTest[last], yTrain[1])
		}
		for _, c := range []struct {
			what   string
			b      *Batch
			labels []int
			want   []float64
		}{
			{"training", bTrain, yTrain, train.Rates[l]},
			{"test", bTest, yTest, test.Rates[l]},
		} {
			st, err := net.Statistics(c.b, c.labels)
			if err != nil {
				t.Fatal(err)
			}
			r, err := net.Rates(st)
			if err != nil {
				t.Fatal(err)
			}
			dr = max(dr, confCheck(t, fmt.Sprintf("stages, layer %d %s pred rates", l+1, c.what), ratesSlice(r), c.want, goldenTol))
		}
	}
	dz = max(dz, confCheck(t, "stages: training features", net.Decode(bTrain), g.z, goldenTol))
	zt := net.Decode(bTest)
	dz = max(dz, confCheck(t, "stages: test features", zt, g.ztest, goldenTol))

	// Equivariance: the features of the shifted X[1] are X[1]'s, shifted.
	want := conv.Shift(nil, res.Features[zper:2*zper], g.zc, g.shape, golden3DShift)
	de := confCheck(t, "features of the shifted X[1]", res.Eval[0][last*zper:], want, confTol)
	de = max(de, confCheck(t, "stages: features of the shifted X[1]", zt[last*zper:], want, confTol))
	de = max(de, confCheck(t, "fixture: features of the shifted X[1]", g.ztest[last*zper:], conv.Shift(nil, g.z[zper:2*zper], g.zc, g.shape, golden3DShift), goldenTol))
	t.Logf("%s: max |Δ| features %.2g, rates %.2g, equivariance %.2g", g.rates.Case, dz, dr, de)
}
