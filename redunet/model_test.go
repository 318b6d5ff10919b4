package redunet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/conv"
)

func goldenModel(t *testing.T) (*Model, []float64) {
	t.Helper()
	x, y := goldenVectorInput()
	res, err := BuildVector(context.Background(), x, 3, y, 2, DefaultParams(3), BuildOptions{Keep: true})
	if err != nil {
		t.Fatal(err)
	}
	return &Model{Classes: []string{"a", "b"}, InputShape: []int{3}, Net: res.Net, Meta: map[string]string{"data": "golden"}}, x
}

func TestModelRoundTrip(t *testing.T) {
	m, x := goldenModel(t)
	want, wantY := transformOne(t, m.Net, x)
	for _, f32 := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "m.rdn")
		if err := m.Save(path, SaveOptions{Float32: f32}); err != nil {
			t.Fatal(err)
		}
		got, err := LoadModel(path)
		if err != nil {
			t.Fatal(err)
		}
		if got.Arch() != "vector" || strings.Join(got.Classes, ",") != "a,b" || got.Meta["data"] != "golden" || got.Net.Params != m.Net.Params {
			t.Fatalf("float32=%v: header not restored: %+v", f32, got)
		}
		z, yh := transformOne(t, got.Net, x)
		// float64: the operators are rebuilt from the same features by the
		// same code, so the result is identical. float32: the stored
		// features are rounded to ~6e-8 relative, which moves the output by
		// a few times that.
		tol := 0.0
		if f32 {
			tol = 1e-5
		}
		assertClose(t, "features after reload", z, want, tol)
		for i := range yh {
			if yh[i] != wantY[i] {
				t.Errorf("float32=%v: ŷ after reload %v, want %v", f32, yh, wantY)
				break
			}
		}
		assertClose(t, "final training features", got.Net.Final, m.Net.Final, tol)
	}
}

func TestModelCorrupt(t *testing.T) {
	m, _ := goldenModel(t)
	var buf bytes.Buffer
	if err := m.Write(&buf, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	// Every truncation is refused.
	for n := 0; n < len(good); n++ {
		if _, err := ReadModel(good[:n]); err == nil {
			t.Fatalf("a model cut to %d of %d bytes was accepted", n, len(good))
		}
	}
	// Every single flipped byte is refused.
	for i := range good {
		bad := append([]byte(nil), good...)
		bad[i] ^= 0x40
		if _, err := ReadModel(bad); err == nil {
			t.Fatalf("a model with byte %d flipped was accepted", i)
		}
	}
	// A different version is named as such.
	bad := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(bad[8:12], 99)
	var ve *VersionError
	if _, err := ReadModel(bad); !errors.As(err, &ve) || ve.Version != 99 || !strings.Contains(err.Error(), "version 99") {
		t.Errorf("version 99: %v", err)
	}
	// A flipped byte in the arrays fails the checksum.
	bad = append([]byte(nil), good...)
	bad[len(bad)-sha256.Size-5] ^= 1
	if _, err := ReadModel(bad); !errors.Is(err, ErrChecksum) {
		t.Errorf("a flipped array byte: %v, want ErrChecksum", err)
	}
	// The package prefix appears once.
	if _, err := ReadModel(bad); strings.Count(err.Error(), "redunet: ") != 1 {
		t.Errorf("prefix not once: %v", err)
	}
	var fe FormatError
	if _, err := ReadModel([]byte("hello world, not a model at all")); !errors.As(err, &fe) || !strings.Contains(err.Error(), "magic") {
		t.Errorf("not a model: %v", err)
	}
	// Invalid parameters behind a valid checksum: a FormatError, with the
	// package prefix once.
	bad = bytes.Replace(append([]byte(nil), good[:len(good)-sha256.Size]...), []byte(`"Eta":0.5`), []byte(`"Eta":0.0`), 1)
	if bytes.Equal(bad, good[:len(good)-sha256.Size]) {
		t.Fatal("the header has no \"Eta\":0.5 to change")
	}
	sum := sha256.Sum256(bad)
	if _, err := ReadModel(append(bad, sum[:]...)); !errors.As(err, &fe) || strings.Count(err.Error(), "redunet: ") != 1 || !strings.Contains(err.Error(), "eta (η) = 0") {
		t.Errorf("eta 0 in the header: %v", err)
	}
	// LoadModel names the file.
	path := filepath.Join(t.TempDir(), "half.rdn")
	os.WriteFile(path, good[:len(good)/2], 0o644)
	if _, err := LoadModel(path); !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), path) {
		t.Errorf("half a model: %v, want a truncation naming the file", err)
	}
}

// TestModelSaveAtomic: a failed save leaves an existing file untouched and
// no temporary file behind; a model built without Keep cannot be saved.
func TestModelSaveAtomic(t *testing.T) {
	m, x := goldenModel(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "m.rdn")
	os.WriteFile(path, []byte("precious"), 0o644)
	unkept, err := NewVectorNet(3, 2, DefaultParams(3))
	if err != nil {
		t.Fatal(err)
	}
	bad := &Model{Classes: []string{"a", "b"}, Net: unkept}
	if err := bad.Save(path, SaveOptions{}); err == nil {
		t.Fatal("saving a net built without Keep succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "precious" {
		t.Errorf("the existing file was changed to %q", b)
	}
	if err := m.Save(filepath.Join(dir, "no", "such", "dir", "m.rdn"), SaveOptions{}); err == nil {
		t.Error("saving into a missing directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after failed saves, want 1", len(entries))
	}
	if err := m.Save(path, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModel(path); err != nil {
		t.Fatal(err)
	}
	_ = x
}

// TestMultiModelRoundTrip: a saved and reloaded multichannel model (with a
// lift) transforms new data exactly as the construction pass did.
func TestMultiModelRoundTrip(t *testing.T) {
	x, y := golden2DInput()
	lift, err := conv.NewGaussianLift(2, 3, 2, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	test := x[:2*24]
	res, err := BuildMulti(context.Background(), x, 2, []int{3, 4}, y, 2, lift, DefaultParams(3), BuildOptions{Keep: true, Eval: [][]float64{test}})
	if err != nil {
		t.Fatal(err)
	}
	m := &Model{Classes: []string{"a", "b"}, InputShape: []int{2, 3, 4}, Net: res.Net}
	for _, f32 := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "m.rdn")
		if err := m.Save(path, SaveOptions{Float32: f32}); err != nil {
			t.Fatal(err)
		}
		got, err := LoadModel(path)
		if err != nil {
			t.Fatal(err)
		}
		if got.Arch() != "conv2d" || got.Net.C != 3 || got.Net.Lift == nil || got.Net.Lift.K != 2 {
			t.Fatalf("float32=%v: net not restored: %+v", f32, got.Net)
		}
		feats, yh, err := got.Net.Transform(context.Background(), test)
		if err != nil {
			t.Fatal(err)
		}
		tol := 0.0
		if f32 {
			tol = 1e-5 // inputs and kernels rounded to float32 (~6e-8 relative)
		}
		assertClose(t, "reloaded conv2d features", feats[0], res.Eval[0], tol)
		if !equalInts(yh[0], res.EvalPredicted[0]) {
			t.Errorf("float32=%v: ŷ %v, want %v", f32, yh[0], res.EvalPredicted[0])
		}
	}
	var buf bytes.Buffer
	if err := m.Write(&buf, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for i := 0; i < len(good); i += 7 {
		bad := append([]byte(nil), good...)
		bad[i] ^= 1
		if _, err := ReadModel(bad); err == nil {
			t.Fatalf("a conv2d model with byte %d flipped was accepted", i)
		}
	}
	// (The architecture is no longer stored apart from the signal shape, so
	// a model whose architecture disagrees with its signals cannot be made.)
}

// FuzzReadModel: no byte sequence makes ReadModel panic or fail with an
// error outside its classes (FormatError, *VersionError, ErrChecksum, a
// truncation), and every model it accepts passes Validate, writes back to
// a file it reads again, and — when small (at most 3 layers, a memory
// estimate of 8 MiB) — predicts its first training sample with finite
// outputs. The fuzzer varies the body of a model file and the test
// appends its valid checksum, so that the header and size checks behind
// the checksum are exercised. Seeded with small models (a vector net of 6
// samples, a conv1d net of images in polar form with a lift), with every
// crafted model of TestModelCrafted, and with inputs it found
// (testdata/fuzz/FuzzReadModel: models accepted after mutation).
//
// Reading computes nothing from the arrays (the net is prepared when first
// applied), so a rejected input costs ~25 µs, an accepted one ~0.1 ms.
// Run it with minimisation off or bounded:
//
//	go test ./redunet -run '^$' -fuzz FuzzReadModel -parallel 1 -fuzzminimizetime 0
//
// encoding/json's many branches make most mutations of the header "new
// coverage", and the default minimisation of each (up to 60 s, quadratic
// in the input's ~500 bytes) is what showed as long stretches of zero
// executions: measured over 75 s, 2 new inputs with the default, 336 (and
// 644 000 executions) with -fuzzminimizetime 0.
func FuzzReadModel(f *testing.F) {
	for _, c := range craftedModels(f) {
		f.Add(c.body)
	}
	f.Add([]byte("REDUNET\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sum := sha256.Sum256(data)
		m, err := ReadModel(append(data, sum[:]...))
		if err != nil {
			var fe FormatError
			var ve *VersionError
			if !errors.As(err, &fe) && !errors.As(err, &ve) && !errors.Is(err, ErrChecksum) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("an error of no class: %v", err)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("accepted, then %v", err)
		}
		var buf bytes.Buffer
		if err := m.Write(&buf, SaveOptions{Float32: m.DType == "float32"}); err != nil {
			t.Fatalf("accepted, then written: %v", err)
		}
		if _, err := ReadModel(buf.Bytes()); err != nil {
			t.Fatalf("accepted, written, then read: %v", err)
		}
		n := m.Net
		n.Workers = 1
		if n.Params.Layers > 3 || n.MemoryEstimate(len(n.Labels), 1) > 8<<20 {
			return
		}
		if err := applyLoaded(m); err != nil {
			t.Fatalf("accepted, then applied: %v", err)
		}
	})
}

// TestModelClassNameBytes: class names that are not valid UTF-8 (folder
// names on some file systems) survive a save and load byte for byte, and
// stay distinct.
func TestModelClassNameBytes(t *testing.T) {
	m, _ := goldenModel(t)
	m.Classes = []string{"caf\xe9", "caf\xe8"}
	var buf bytes.Buffer
	if err := m.Write(&buf, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadModel(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Classes) != 2 || got.Classes[0] != "caf\xe9" || got.Classes[1] != "caf\xe8" {
		t.Errorf("classes after reload %q, want %q", got.Classes, m.Classes)
	}
}
