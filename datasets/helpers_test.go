package datasets_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redunet-go/redunet/datasets"
)

// fixtureDir holds the first 100 training and 100 test samples of MNIST.
const fixtureDir = "../testdata/mnist"

// idxBytes encodes an IDX object: magic 00 00 typ len(dims), the dims as
// big-endian uint32, then data (not checked against the dims).
func idxBytes(typ byte, dims []uint32, data []byte) []byte {
	b := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, data...)
}

// gzipBytes compresses b.
func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gunzipFile returns the decompressed content of a gzipped fixture file.
func gunzipFile(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeFile writes b to name in dir and returns its path.
func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// readFile returns the content of path.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// errText returns what is wrong with err as an error of this package that
// contains every string of want: "" if nothing is. The text of such an
// error starts with the package prefix, and holds it only once.
func errText(err error, want ...string) string {
	if err == nil {
		return "no error"
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "datasets: ") || strings.Count(msg, "datasets:") != 1 {
		return fmt.Sprintf("error %q does not start with the prefix %q exactly once", msg, "datasets: ")
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			return fmt.Sprintf("error %q does not contain %q", msg, w)
		}
	}
	return ""
}

// errClass names the class of err: "format" for a FormatError, "unsupported"
// for an UnsupportedError, "eof" for io.ErrUnexpectedEOF, "other" otherwise.
func errClass(err error) string {
	var fe datasets.FormatError
	var ue datasets.UnsupportedError
	switch {
	case errors.As(err, &fe):
		return "format"
	case errors.As(err, &ue):
		return "unsupported"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	}
	return "other"
}
