package datasets

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/redunet-go/redunet/internal/atomicfile"
)

// WriteNPY writes data, of the given shape, to path as a version 1.0 .npy
// file in C order that numpy.load reads: little-endian float32 ('<f4') if
// float32 is true, rounding each value to the nearest float32 (values too
// large become ±Inf), else float64 ('<f8'). An empty shape writes a
// 0-dimensional array of one element. A header too long for version 1.0
// (shapes of thousands of dimensions) makes it write version 2.0.
//
// The file is written atomically: to a temporary file in the same
// directory, synced, then renamed over path (with permissions 0644), so a
// failure never leaves a partial file at path; the temporary file is
// removed on failure. Errors start "datasets: " and name path.
//
// WriteNPY panics, a programming error, if a dimension is negative or
// len(data) is not the product of shape.
func WriteNPY(path string, data []float64, shape []int, float32 bool) (err error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("datasets: WriteNPY: negative dimension in shape %v", shape))
		}
		n *= d
	}
	if n != len(data) {
		panic(fmt.Sprintf("datasets: WriteNPY: %d values for shape %v (%d elements)", len(data), shape, n))
	}

	err = atomicfile.Write(path, func(w io.Writer) error {
		if _, err := w.Write(npyHeaderBytes(shape, float32)); err != nil {
			return err
		}
		var b [8]byte
		for _, v := range data {
			var err error
			if float32 {
				binary.LittleEndian.PutUint32(b[:], math.Float32bits(float32Of(v)))
				_, err = w.Write(b[:4])
			} else {
				binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
				_, err = w.Write(b[:])
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("datasets: %w", err) // atomicfile's errors name path
	}
	return nil
}

// float32Of converts v to float32 (a function so that the parameter named
// float32 of WriteNPY does not hide the type).
func float32Of(v float64) float32 { return float32(v) }

// npyHeaderBytes returns the magic string, version, header length and
// header of a little-endian C-order array of the given shape, padded with
// spaces and a newline so that the data starts at a multiple of 64 bytes.
// It uses version 2.0 only if the header is too long for version 1.0.
func npyHeaderBytes(shape []int, float32 bool) []byte {
	descr := "<f8"
	if float32 {
		descr = "<f4"
	}
	var dims strings.Builder
	for i, d := range shape {
		if i > 0 {
			dims.WriteString(", ")
		}
		dims.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		dims.WriteString(",")
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, dims.String())
	pre := 10 // magic, version, uint16 length
	if len(dict)+1+63 > math.MaxUint16 {
		pre = 12
	}
	pad := (64 - (pre+len(dict)+1)%64) % 64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	b := []byte(npyMagic)
	if pre == 10 {
		b = append(b, 1, 0)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	} else {
		b = append(b, 2, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(hdr)))
	}
	return append(b, hdr...)
}
