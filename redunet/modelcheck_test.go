package redunet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/fft"
)

// smallModels returns two small valid models: the golden vector net (3
// values, 6 samples, 2 layers) and a conv1d net of images in polar form
// with a lift (2 radii × 4 angles lifted to 3 channels, 4 samples, 1
// layer, 5×5 gray images).
func smallModels(t testing.TB) (vec, polar *Model) {
	t.Helper()
	x, y := goldenVectorInput()
	res, err := BuildVector(context.Background(), x, 3, y, 2, DefaultParams(2), BuildOptions{Keep: true, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	vec = &Model{Classes: []string{"a", "b"}, InputShape: []int{3}, Net: res.Net}
	x1, y1 := golden1DInput() // 4 samples of 2×5
	x1 = x1[:0]
	for i := 0; i < 4*2*4; i++ {
		x1 = append(x1, math.Sin(0.9*float64(i+1)))
	}
	lift, err := conv.NewGaussianLift(2, 3, 2, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	mres, err := BuildMulti(context.Background(), x1, 2, fft.Shape{4}, y1, 2, lift, DefaultParams(1), BuildOptions{Keep: true, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	polar = &Model{Classes: []string{"a", "b"}, InputShape: []int{2, 4}, Net: mres.Net,
		Preprocess: Preprocess{Image: &ImageFormat{Channels: 1, Height: 5, Width: 5}, Polar: &PolarTransform{Radii: 2, Angles: 4}}}
	return vec, polar
}

// modelBody returns the bytes of a model file without its checksum.
func modelBody(t testing.TB, m *Model, opt SaveOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := m.Write(&buf, opt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()[:buf.Len()-sha256.Size]
}

// splitBody splits a model file body into its version, JSON header and
// arrays.
func splitBody(body []byte) (version uint32, header, arrays []byte) {
	hlen := binary.LittleEndian.Uint32(body[12:16])
	return binary.LittleEndian.Uint32(body[8:12]), body[16 : 16+hlen], body[16+hlen:]
}

// joinBody assembles a model file body.
func joinBody(version uint32, header, arrays []byte) []byte {
	b := append([]byte(nil), modelMagic[:]...)
	b = binary.LittleEndian.AppendUint32(b, version)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	b = append(b, header...)
	return append(b, arrays...)
}

// signed appends the checksum of body.
func signed(body []byte) []byte {
	sum := sha256.Sum256(body)
	return append(append([]byte(nil), body...), sum[:]...)
}

// craftHeader returns body with its header decoded (numbers kept exact),
// changed by edit and encoded again.
func craftHeader(t testing.TB, body []byte, edit func(h map[string]any)) []byte {
	t.Helper()
	v, hj, arrays := splitBody(body)
	dec := json.NewDecoder(bytes.NewReader(hj))
	dec.UseNumber()
	var h map[string]any
	if err := dec.Decode(&h); err != nil {
		t.Fatal(err)
	}
	edit(h)
	out, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	return joinBody(v, out, arrays)
}

// craftRaw returns body with the first old in its header replaced by new.
func craftRaw(t testing.TB, body []byte, old, new string) []byte {
	t.Helper()
	v, hj, arrays := splitBody(body)
	if !bytes.Contains(hj, []byte(old)) {
		t.Fatalf("the header has no %s", old)
	}
	return joinBody(v, bytes.Replace(hj, []byte(old), []byte(new), 1), arrays)
}

type craftedCase struct {
	name string
	body []byte
	want string // in the error; "" for a model that must be accepted
}

// craftedModels are model files with a valid checksum and a crafted
// header or arrays, each with the field its error must name: the cases of
// TestModelCrafted and seeds of FuzzReadModel.
func craftedModels(t testing.TB) []craftedCase {
	vecM, polM := smallModels(t)
	vec, pol := modelBody(t, vecM, SaveOptions{}), modelBody(t, polM, SaveOptions{Float32: true})
	set := func(b []byte, key string, v any) []byte {
		return craftHeader(t, b, func(h map[string]any) {
			path := strings.Split(key, ".")
			for _, p := range path[:len(path)-1] {
				h = h[p].(map[string]any)
			}
			h[path[len(path)-1]] = v
		})
	}
	n := func(s string) json.Number { return json.Number(s) }
	var cs []craftedCase
	add := func(name string, body []byte, want string) { cs = append(cs, craftedCase{name, body, want}) }
	add("vector as written", vec, "")
	add("conv1d polar as written", pol, "")
	add("meta keys differing in case", set(vec, "meta", map[string]string{"a": "1", "A": "2"}), "")
	// Sizes whose products overflow or are absurd.
	add("in_channels 2^62+1", set(vec, "in_channels", n("4611686018427387905")), "in_channels")
	add("channels 2^62+1", set(set(vec, "in_channels", n("4611686018427387905")), "channels", n("4611686018427387905")), "in_channels")
	add("in_channels 2^20 × shape", set(pol, "in_channels", n("1048576")), "lift")
	add("shape product overflows", set(pol, "shape", []any{n("2147483648"), n("2147483648")}), "shape")
	add("shape of 2^31 values", set(pol, "shape", []any{n("65536"), n("65536")}), "shape")
	add("shape of rank 40", set(pol, "shape", func() []any {
		s := make([]any, 40)
		for i := range s {
			s[i] = n("1")
		}
		return s
	}()), "shape")
	add("shape with a zero", set(pol, "shape", []any{n("0")}), "shape")
	add("lift kernel 1024 wide", set(pol, "lift", map[string]any{"in": n("2"), "out": n("3"), "k": n("1024"), "dims": n("1")}), "lift")
	add("lift of 2^20×2^20 kernels", set(set(set(pol, "in_channels", n("1048576")), "channels", n("1048576")),
		"lift", map[string]any{"in": n("1048576"), "out": n("1048576"), "k": n("1"), "dims": n("1")}), "lift")
	add("lift dims 3 for 1-D", set(pol, "lift", map[string]any{"in": n("2"), "out": n("3"), "k": n("2"), "dims": n("3")}), "lift")
	add("lift removed", set(pol, "lift", nil), "in_channels")
	add("no labels", set(vec, "labels", make([]int, 0)), "labels")
	// input_shape.
	add("input_shape product", set(vec, "input_shape", []int{4}), "input_shape")
	add("input_shape empty", set(vec, "input_shape", []int{}), "input_shape")
	add("input_shape missing", craftHeader(t, vec, func(h map[string]any) { delete(h, "input_shape") }), "input_shape")
	add("input_shape overflows", set(vec, "input_shape", []any{n("3"), n("4611686018427387904"), n("4")}), "input_shape")
	add("input_shape negative sizes", set(vec, "input_shape", []int{-3, -1}), "input_shape")
	add("input_shape of rank 20", set(vec, "input_shape", []int{3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}), "input_shape")
	add("input_shape not [C, shape]", set(pol, "input_shape", []int{4, 2}), "input_shape")
	// preprocess.
	add("image 60000×60000", set(vec, "preprocess", map[string]any{"image": map[string]any{"channels": 1, "height": 60000, "width": 60000}}), "preprocess.image")
	add("image of 2 channels", set(vec, "preprocess", map[string]any{"image": map[string]any{"channels": 2, "height": 1, "width": 1}}), "preprocess.image")
	add("image 0 high", set(pol, "preprocess.image", map[string]any{"channels": 1, "height": 0, "width": 5}), "preprocess.image")
	add("image 2^62 wide", set(pol, "preprocess.image", map[string]any{"channels": 1, "height": 4, "width": n("4611686018427387904")}), "preprocess.image")
	add("image not the input", set(vec, "preprocess", map[string]any{"image": map[string]any{"channels": 3, "height": 1, "width": 2}}), "preprocess.image")
	add("image matching a vector's input", set(set(vec, "input_shape", []int{3, 1, 1}), "preprocess", map[string]any{"image": map[string]any{"channels": 3, "height": 1, "width": 1}}), "")
	add("polar on a vector net", set(vec, "preprocess", map[string]any{"image": map[string]any{"channels": 1, "height": 3, "width": 3},
		"polar": map[string]any{"radii": 3, "angles": 1}}), "preprocess.polar")
	add("polar radii not the channels", set(pol, "preprocess.polar", map[string]any{"radii": 3, "angles": 4}), "preprocess.polar")
	add("polar angles 0", set(pol, "preprocess.polar", map[string]any{"radii": 2, "angles": 0}), "preprocess.polar")
	add("polar without an image", set(pol, "preprocess", map[string]any{"polar": map[string]any{"radii": 2, "angles": 4}}), "preprocess.polar")
	add("polar of RGB images", set(pol, "preprocess.image", map[string]any{"channels": 3, "height": 5, "width": 5}), "preprocess.polar")
	// dim, arch, labels, classes, dtype, sections, params.
	add("dim", set(vec, "dim", 4), "dim")
	add("arch", set(vec, "arch", "conv2d"), "arch")
	add("label out of range", set(vec, "labels", []int{0, 1, 0, 2, 0, 1}), "labels")
	add("label negative", set(vec, "labels", []int{0, 1, 0, -1, 0, 1}), "labels")
	add("a class without samples", set(vec, "classes", []string{"a", "b", "c"}), "labels")
	add("more classes than labels", set(vec, "classes", []string{"a", "b", "c", "d", "e", "f", "g"}), "classes")
	add("no classes", set(vec, "classes", []string{}), "classes")
	add("dtype", set(vec, "dtype", "float16"), "dtype")
	add("section renamed", set(vec, "sections", []any{map[string]any{"name": "train", "count": 18}}), "sections")
	add("section count", set(vec, "sections", []any{map[string]any{"name": "train_input", "count": 17}}), "sections")
	add("section count 2^62", set(vec, "sections", []any{map[string]any{"name": "train_input", "count": n("4611686018427387904")}}), "sections")
	add("section added", set(vec, "sections", []any{map[string]any{"name": "train_input", "count": 18}, map[string]any{"name": "extra", "count": 0}}), "sections")
	add("layers 10^9", set(vec, "params", map[string]any{"Eta": 0.5, "EpsSq": 0.1, "Lambda": 500, "Layers": 1000000000}), "layers")
	add("eps2 1e-320", craftRaw(t, vec, `"EpsSq":0.1`, `"EpsSq":1e-320`), "eps2")
	add("eps2 5e-151 for 3 channels", craftRaw(t, vec, `"EpsSq":0.1`, `"EpsSq":5e-151`), "eps2")
	add("eta 1e308", craftRaw(t, vec, `"Eta":0.5`, `"Eta":1e308`), "")
	// Keys given twice, also as encoding/json matches them (case-folded).
	add("labels twice", craftRaw(t, vec, `"labels":[`, `"labels":[1,1,1,1,1,1],"labels":[`), "twice")
	add("Eta and eta", craftRaw(t, vec, `"Eta":0.5`, `"Eta":0.5,"eta":0.25`), "twice")
	add("lift.k twice", craftRaw(t, pol, `"k":2`, `"k":2,"K":1`), "twice")
	add("lift.k and the Kelvin sign", craftRaw(t, pol, `"k":2`, `"k":2,"\u212a":1`), "twice")
	add("meta key twice", set(vec, "meta", json.RawMessage(`{"a":"1","a":"2"}`)), "twice")
	// Arrays: non-finite and huge values behind a valid header.
	_, hj, arrays := splitBody(vec)
	huge := bytes.Clone(arrays)
	for i := 0; i < len(huge); i += 8 {
		v := math.Float64frombits(binary.LittleEndian.Uint64(huge[i:]))
		binary.LittleEndian.PutUint64(huge[i:], math.Float64bits(v*1e307))
	}
	add("train_input scaled by 1e307", joinBody(ModelVersion, hj, huge), "")
	nan := bytes.Clone(arrays)
	binary.LittleEndian.PutUint64(nan[8:], math.Float64bits(math.NaN()))
	add("train_input NaN", joinBody(ModelVersion, hj, nan), "train_input")
	_, phj, parrays := splitBody(pol)
	bigK := bytes.Clone(parrays)
	for i := 0; i < 8*4; i += 4 { // the first output channel's 2×2 kernel weights (float32)
		binary.LittleEndian.PutUint32(bigK[i:], math.Float32bits(math.MaxFloat32))
	}
	add("lift kernels of float32 max", joinBody(ModelVersion, phj, bigK), "")
	// Version 1 vector models: one section per layer input and the output.
	v1 := craftHeader(t, vec, func(h map[string]any) {
		h["sections"] = []any{map[string]any{"name": "layer1/input", "count": 18}, map[string]any{"name": "layer2/input", "count": 18},
			map[string]any{"name": "output", "count": 18}}
	})
	v1 = joinBody(1, splitBodyHeader(v1), append(append(bytes.Clone(arrays), arrays...), arrays...))
	add("version 1 vector", v1, "")
	add("version 1 vector, a section short", joinBody(1, splitBodyHeader(craftHeader(t, v1, func(h map[string]any) {
		h["sections"] = []any{map[string]any{"name": "layer1/input", "count": 18}, map[string]any{"name": "output", "count": 18}}
	})), append(bytes.Clone(arrays), arrays...)), "sections")
	add("version 1 vector, layers 2^30", joinBody(1, splitBodyHeader(craftRaw(t, v1, `"Layers":2`, `"Layers":1073741824`)), arrays), "layers")
	return cs
}

func splitBodyHeader(body []byte) []byte { _, h, _ := splitBody(body); return h }

// TestModelCrafted: model files with a valid checksum whose header (or
// arrays) are crafted are refused with a FormatError naming the field, or,
// when consistent, accepted, validated and applied without a non-finite
// value.
func TestModelCrafted(t *testing.T) {
	for _, c := range craftedModels(t) {
		m, err := ReadModel(signed(c.body))
		if c.want != "" {
			var fe FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v, want a FormatError naming %q", c.name, err, c.want)
			} else if strings.Count(err.Error(), "redunet: ") != 1 {
				t.Errorf("%s: the prefix not once: %v", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if err := m.Validate(); err != nil {
			t.Errorf("%s: accepted, then %v", c.name, err)
		}
		if err := applyLoaded(m); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// applyLoaded predicts the first training sample of a loaded model and
// checks that every output is finite.
func applyLoaded(m *Model) error {
	n := m.Net
	feat, yhat, pi, err := n.Predict(context.Background(), n.TrainX[:n.SampleLen()])
	if err != nil {
		return err
	}
	for _, v := range append(append(feat, pi...), n.Final...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("a non-finite output %v", v)
		}
	}
	if n.Params.Layers > 0 && (len(yhat) != 1 || yhat[0] < 0 || yhat[0] >= n.K) {
		return fmt.Errorf("ŷ = %v", yhat)
	}
	return nil
}

// TestModelValidate: Validate on models put together in memory, and Write
// refusing what Validate refuses.
func TestModelValidate(t *testing.T) {
	vec, pol := smallModels(t)
	for _, m := range []*Model{vec, pol} {
		if err := m.Validate(); err != nil {
			t.Fatalf("a valid %s model: %v", m.Arch(), err)
		}
	}
	bad := *pol
	bad.Preprocess.Image = &ImageFormat{Channels: 1, Height: 60000, Width: 60000}
	var buf bytes.Buffer
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "preprocess.image") || !strings.HasPrefix(err.Error(), "redunet: ") {
		t.Errorf("60000×60000 images: %v", err)
	}
	if err := bad.Write(&buf, SaveOptions{}); err == nil || buf.Len() != 0 {
		t.Errorf("writing an invalid model: %v, %d bytes written", err, buf.Len())
	}
	huge := *vec
	hn := *vec.Net
	hn.TrainX = slices.Clone(hn.TrainX)
	hn.TrainX[4] = 1e300
	huge.Net = &hn
	buf.Reset()
	if err := huge.Write(&buf, SaveOptions{Float32: true}); err == nil || buf.Len() != 0 {
		t.Errorf("writing 1e300 in float32: %v, %d bytes written", err, buf.Len())
	}
	if err := huge.Write(&buf, SaveOptions{}); err != nil {
		t.Errorf("writing 1e300 in float64: %v", err)
	}
	noNet := &Model{Classes: []string{"a"}}
	if err := noNet.Validate(); err == nil {
		t.Error("a model without a net was valid")
	}
	wrongClasses := *vec
	wrongClasses.Classes = []string{"a"}
	if err := wrongClasses.Validate(); err == nil || !strings.Contains(err.Error(), "classes") {
		t.Errorf("one class name for two classes: %v", err)
	}
}
