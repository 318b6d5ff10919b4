// Why this reader is hand-written rather than codeberg.org/sbinet/npyio
// (v0.14.0 was read before deciding): npyio cannot check a header and bound
// every size before it allocates. Its reader allocates a buffer of the
// header length that the file declares, up to 4 GiB for a version 2.0
// file, before looking at the header; it finds the keys of the header dict
// by searching for substrings, so that a header with its keys in another
// order makes it slice out of range and panic, and any other key is
// ignored; it puts no bound on the shape and allocates the whole array
// from the declared shape before reading the data, so that a short file
// that declares 2^40 elements gets an allocation of that size; and it does
// not read format version 3.0. Wrapping it would still need our own header
// check in front, and it would bring in its dependencies (gopickle,
// x/text) for nothing. The reader here is small, validates the header
// first and grows its buffer only as data arrives.

package datasets

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
)

// maxNPYLabel is the largest label LoadNPY accepts, 2^53: every integer up
// to it is exact as a float64.
const maxNPYLabel = 1 << 53

// npyBlock is the number of bytes ReadNPY decodes at a time.
const npyBlock = 1 << 16

// npyFirstAlloc is the largest number of elements ReadNPY allocates before
// any data has arrived; larger arrays grow as their bytes are read.
const npyFirstAlloc = 1 << 19

// ReadNPY reads the NumPy array file (.npy) at path and returns its
// elements as float64 in C (row-major) order, and its shape (empty for a
// 0-dimensional array, which holds one element). Arrays of any number of
// dimensions from 0 to 32 are read.
//
// It reads format versions 1.0, 2.0 and 3.0 and the element types float32,
// float64, uint8, int32 and int64, little- or big-endian ('<f4', '>f4',
// '<f8', '>f8', '|u1', '<i4', '<i8', …); int64 values beyond ±2^53 are
// rounded. Arrays stored in Fortran order are refused unless that order is
// the same as C order (at most one dimension larger than 1). Other element
// types, structured arrays and pickled objects are refused with an error
// that names the type.
//
// The header is checked before anything is allocated: the magic string, the
// version, a header dict with exactly the keys 'descr', 'fortran_order' and
// 'shape', at most 32 dimensions and at most 2^28 elements.
//
// A file that is not a valid .npy file (a bad magic string, a malformed
// header dict, bytes after the data) gives an error wrapping a FormatError;
// one that uses a feature ReadNPY does not read (another element type or
// version, Fortran order, more dimensions or elements than above) an error
// wrapping an UnsupportedError; a file that ends early an error wrapping
// io.ErrUnexpectedEOF. Every error starts "datasets: " and names the file.
func ReadNPY(path string) (data []float64, shape []int, err error) {
	data, shape, _, err = readNPYFile(path, 0)
	return data, shape, err
}

// readNPYFile reads the .npy file at path as readNPY does. Its errors carry
// the package prefix and the file name.
func readNPYFile(path string, limit int) ([]float64, []int, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, 0, fileError(path, err)
	}
	defer f.Close()
	data, shape, n, err := readNPY(f, limit)
	if err != nil {
		return nil, nil, 0, fileError(path, err)
	}
	return data, shape, n, nil
}

// readNPY does the work of ReadNPY on the stream r, which must hold one
// .npy array and nothing else. If limit > 0 and the array has at least one
// dimension, it keeps only the first limit rows (along the first dimension)
// and stops reading there, without checking the rest of the stream. It also
// returns the number of rows the header declares (1 for a 0-dimensional
// array). Errors have no package prefix.
func readNPY(r io.Reader, limit int) (data []float64, shape []int, declared int, err error) {
	br := bufio.NewReader(r)
	h, err := readNPYHeader(br)
	if err != nil {
		return nil, nil, 0, err
	}
	elems := h.elems
	declared = 1
	partial := false
	if len(h.shape) > 0 {
		declared = h.shape[0]
		if limit > 0 && limit < declared {
			elems = elems / declared * limit
			h.shape[0] = limit
			partial = true
		}
	}
	data, err = readNPYData(br, elems, h.typ)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("reading NPY data (%s, shape %v, %d bytes): %w", h.descr, h.shape, elems*h.typ.size, err)
	}
	if !partial {
		switch _, err := br.ReadByte(); {
		case err == nil:
			return nil, nil, 0, formatErrorf("NPY: trailing data after the %d-byte array", elems*h.typ.size)
		case err != io.EOF:
			return nil, nil, 0, fmt.Errorf("after the NPY data: %w", err)
		}
	}
	return data, h.shape, declared, nil
}

// readNPYData reads and decodes n elements of type typ from r. It grows its
// result as data arrives, so a header that lies about the size of a short
// stream costs little.
func readNPYData(r io.Reader, n int, typ npyType) ([]float64, error) {
	data := make([]float64, 0, min(n, npyFirstAlloc))
	buf := make([]byte, min(n*typ.size, npyBlock/typ.size*typ.size))
	for len(data) < n {
		if len(data) == cap(data) {
			data = slices.Grow(data, min(n, 2*cap(data))-len(data))
		}
		b := buf[:min(len(buf), (n-len(data))*typ.size)]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, noEOF(err)
		}
		for ; len(b) > 0; b = b[typ.size:] {
			data = append(data, typ.decode(b))
		}
	}
	return data, nil
}

// LoadNPY loads a labelled set from two .npy files (read as ReadNPY does):
// the samples, an array of shape m×d (vectors), m×C×T (signals), m×C×H×W
// (images) or m×C×D×H×W (volumes with C channels), every dimension after
// the first positive, and the labels, a 1-D array of m integers, or of
// integral floats, from 0 to 2^53. The shape of a sample is the shape of
// the array without its first dimension: [d], [C,T], [C,H,W] or [C,D,H,W].
// Values are taken as they are: a uint8 image is not scaled to [0,1].
//
// Labels may be any such integers: the distinct values are sorted and
// remapped to 0..K−1 in that order, and the class names are the original
// values written in decimal ("0", "3", "10", …). With Limit(n) only the
// first n samples and labels are read, and only the labels among them
// become classes. The set is named dataPath.
//
// LoadNPY returns an error, naming the file, if a file cannot be read (the
// errors of ReadNPY). It returns an error wrapping a FormatError if the
// data array has fewer than 2 dimensions or an empty sample, the labels are
// not a 1-D array, the two files hold different numbers of samples, a label
// is negative, not an integer or too large, or a sample holds NaN or an
// infinity; and one wrapping an UnsupportedError if the data array has more
// than 5 dimensions.
func LoadNPY(dataPath, labelsPath string, opts ...Option) (*Set, error) {
	o := newOptions(opts)
	x, shape, m, err := readNPYFile(dataPath, o.limit)
	if err != nil {
		return nil, err
	}
	lab, lshape, mLab, err := readNPYFile(labelsPath, o.limit)
	if err != nil {
		return nil, err
	}
	const want = "want m×d, m×C×T, m×C×H×W or m×C×D×H×W with d, C, T, D, H, W > 0"
	switch {
	case len(shape) > 5:
		return nil, fileError(dataPath, unsupportedf("array of shape %v, %s", shape, want))
	case len(shape) < 2 || slices.Contains(shape[1:], 0):
		return nil, fileError(dataPath, formatErrorf("array of shape %v, %s", shape, want))
	}
	if len(lshape) != 1 {
		return nil, fileError(labelsPath, formatErrorf("labels of shape %v, want a 1-D array", lshape))
	}
	if m != mLab {
		return nil, fmt.Errorf("datasets: %w", formatErrorf("%s holds %d samples but %s holds %d labels", dataPath, m, labelsPath, mLab))
	}

	s := &Set{
		Name:   dataPath,
		X:      x,
		Shape:  slices.Clone(shape[1:]),
		Labels: make([]int, len(lab)),
	}
	for i, v := range lab {
		if v != math.Trunc(v) || v < 0 || v > maxNPYLabel {
			return nil, fileError(labelsPath, formatErrorf("label %d is %v, want an integer from 0 to 2^53", i, v))
		}
	}
	d := s.Dim()
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fileError(dataPath, formatErrorf("sample %d holds %v", i/d, v))
		}
	}
	values := slices.Clone(lab)
	slices.Sort(values)
	values = slices.Compact(values)
	s.Classes = make([]string, len(values))
	for k, v := range values {
		s.Classes[k] = strconv.FormatInt(int64(v), 10)
	}
	for i, v := range lab {
		s.Labels[i], _ = slices.BinarySearch(values, v)
	}
	return s, nil
}
