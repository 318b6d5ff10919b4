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
	"context"
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
// 'shape', at most 32 dimensions and at most 2^28 elements, and a file long
// enough to hold them.
//
// A file that is not a valid .npy file (a bad magic string, a malformed
// header dict, bytes after the data) gives an error wrapping a FormatError;
// one that uses a feature ReadNPY does not read (another element type or
// version, Fortran order, more dimensions or elements than above) an error
// wrapping an UnsupportedError; a file that ends early, or is shorter than
// its header declares, an error wrapping io.ErrUnexpectedEOF; a path that
// is not a regular file (a named pipe, a device) an error wrapping
// ErrNotRegular, without waiting on it. Every error starts "datasets: "
// and names the file.
func ReadNPY(path string) (data []float64, shape []int, err error) {
	data, shape, _, err = readNPYFile(context.Background(), path, 0)
	return data, shape, err
}

// readNPYFile reads the .npy file at path as readNPY does, through ctx.
// Its errors carry the package prefix and the file name.
func readNPYFile(ctx context.Context, path string, limit int) ([]float64, []int, int, error) {
	f, s, err := openNPYFile(ctx, path)
	if err != nil {
		return nil, nil, 0, err
	}
	defer f.Close()
	data, shape, n, err := s.read(limit)
	if err != nil {
		return nil, nil, 0, npyFail(ctx, path, err)
	}
	return data, shape, n, nil
}

// openNPYFile opens the .npy file at path and reads its header, reading
// the file through ctx. Errors carry the package prefix and the path.
func openNPYFile(ctx context.Context, path string) (*os.File, *npyStream, error) {
	f, size, err := openRegular(path)
	if err != nil {
		return nil, nil, fileError(path, err)
	}
	s, err := newNPYStream(ctxReader{ctx, f}, size)
	if err != nil {
		f.Close()
		return nil, nil, npyFail(ctx, path, err)
	}
	return f, s, nil
}

// npyFail returns the error err that arose reading path, with the package
// prefix and the path; if ctx is done, the error says so instead.
func npyFail(ctx context.Context, path string, err error) error {
	if ctx.Err() != nil {
		return cancelled(ctx, path)
	}
	return fileError(path, err)
}

// readNPY does the work of ReadNPY on the stream r, which must hold one
// .npy array and nothing else. If limit > 0 and the array has at least one
// dimension, it keeps only the first limit rows (along the first dimension)
// and stops reading there, without checking the rest of the stream. It also
// returns the number of rows the header declares (1 for a 0-dimensional
// array). Errors have no package prefix.
func readNPY(r io.Reader, limit int) (data []float64, shape []int, declared int, err error) {
	s, err := newNPYStream(r, -1)
	if err != nil {
		return nil, nil, 0, err
	}
	return s.read(limit)
}

// npyStream is a .npy stream whose header has been read and checked; br
// reads the data that follows.
type npyStream struct {
	br *bufio.Reader
	h  npyHeader
}

// newNPYStream reads and checks the header of the .npy stream r. If size
// >= 0 it is the size of the file that r reads, and a file too short to
// hold the array its header declares is refused with an error wrapping
// io.ErrUnexpectedEOF. Errors have no package prefix.
func newNPYStream(r io.Reader, size int64) (*npyStream, error) {
	br := bufio.NewReaderSize(r, npyBlock)
	h, err := readNPYHeader(br)
	if err != nil {
		return nil, err
	}
	need := int64(h.elems) * int64(h.typ.size)
	if have := size - int64(h.length); size >= 0 && have < need {
		return nil, fmt.Errorf("NPY header declares %s, shape %v, %d bytes of data, but the file holds %d: %w",
			h.descr, h.shape, need, max(have, 0), io.ErrUnexpectedEOF)
	}
	return &npyStream{br: br, h: h}, nil
}

// read reads the array of s, or its first limit rows, as readNPY does.
func (s *npyStream) read(limit int) (data []float64, shape []int, declared int, err error) {
	h := s.h
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
	data, err = readNPYData(s.br, elems, h.typ)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("reading NPY data (%s, shape %v, %d bytes): %w", h.descr, h.shape, elems*h.typ.size, err)
	}
	if !partial {
		if err := s.end(int64(elems) * int64(h.typ.size)); err != nil {
			return nil, nil, 0, err
		}
	}
	return data, h.shape, declared, nil
}

// end checks that the data of s, n bytes that have been read, is the end
// of the stream.
func (s *npyStream) end(n int64) error {
	switch _, err := s.br.ReadByte(); {
	case err == nil:
		return formatErrorf("NPY: trailing data after the %d-byte array", n)
	case err != io.EOF:
		return fmt.Errorf("after the NPY data: %w", err)
	}
	return nil
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

// appendNPY reads n elements of type typ from r through buf, whose length
// is a multiple of typ.size, and appends them to dst if keep, or drops
// them.
func appendNPY(dst []float64, r io.Reader, n int, typ npyType, buf []byte, keep bool) ([]float64, error) {
	for n > 0 {
		k := min(n, len(buf)/typ.size)
		b := buf[:k*typ.size]
		if _, err := io.ReadFull(r, b); err != nil {
			return dst, noEOF(err)
		}
		if keep {
			for ; len(b) > 0; b = b[typ.size:] {
				dst = append(dst, typ.decode(b))
			}
		}
		n -= k
	}
	return dst, nil
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
// values written in decimal ("0", "3", "10", …). The labels are read
// first, then the samples one at a time, and only the samples that the
// options keep are stored; reading stops as soon as no further sample can
// be kept. With Limit(n) alone only the first n samples and labels are
// read, and only the labels among them become classes. With PerClass or
// Classes the whole labels file is read (it holds one number a sample), so
// that the classes are those of the whole file, as without options; the
// ids of Classes are the remapped labels 0..K−1. The set is named
// dataPath. Reading stops with an error wrapping ctx.Err() soon after ctx
// is done.
//
// LoadNPY returns an error, naming the file, if a file cannot be read (the
// errors of ReadNPY). It returns an error wrapping a FormatError if the
// data array has fewer than 2 dimensions or an empty sample, the labels are
// not a 1-D array, the two files hold different numbers of samples, a label
// is negative, not an integer or too large, or a sample that is kept holds
// NaN or an infinity; one wrapping an UnsupportedError if the data array
// has more than 5 dimensions; and an error if a class id of Classes is out
// of range.
func LoadNPY(ctx context.Context, dataPath, labelsPath string, opts ...Option) (*Set, error) {
	o := newOptions(opts)
	f, ds, err := openNPYFile(ctx, dataPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	shape := ds.h.shape
	const want = "want m×d, m×C×T, m×C×H×W or m×C×D×H×W with d, C, T, D, H, W > 0"
	switch {
	case len(shape) > 5:
		return nil, fileError(dataPath, unsupportedf("array of shape %v, %s", shape, want))
	case len(shape) < 2 || slices.Contains(shape[1:], 0):
		return nil, fileError(dataPath, formatErrorf("array of shape %v, %s", shape, want))
	}
	labLimit := o.limit
	if o.perClass > 0 || o.classes != nil {
		labLimit = 0
	}
	lab, lshape, mLab, err := readNPYFile(ctx, labelsPath, labLimit)
	if err != nil {
		return nil, err
	}
	if len(lshape) != 1 {
		return nil, fileError(labelsPath, formatErrorf("labels of shape %v, want a 1-D array", lshape))
	}
	m := shape[0]
	if m != mLab {
		return nil, fmt.Errorf("datasets: %w", formatErrorf("%s holds %d samples but %s holds %d labels", dataPath, m, labelsPath, mLab))
	}
	for i, v := range lab {
		if v != math.Trunc(v) || v < 0 || v > maxNPYLabel {
			return nil, fileError(labelsPath, formatErrorf("label %d is %v, want an integer from 0 to 2^53", i, v))
		}
	}
	values := slices.Clone(lab)
	slices.Sort(values)
	values = slices.Compact(values)
	classes := make([]string, len(values))
	for k, v := range values {
		classes[k] = strconv.FormatInt(int64(v), 10)
	}
	sel, err := o.newSelector(dataPath, len(classes))
	if err != nil {
		return nil, err
	}

	d := ds.h.elems / max(m, 1) // values of a sample; 0 samples need no buffer
	most := sel.most(len(lab))  // the file holds them: its size has been checked
	s := &Set{
		Name:    dataPath,
		X:       make([]float64, 0, most*d),
		Shape:   slices.Clone(shape[1:]),
		Labels:  make([]int, 0, most),
		Classes: classes,
	}
	typ := ds.h.typ
	buf := make([]byte, min(max(d, 1)*typ.size, npyBlock/typ.size*typ.size))
	i := 0
	for ; i < len(lab) && !sel.done(); i++ {
		if i%1024 == 0 {
			if err := cancelled(ctx, dataPath); err != nil {
				return nil, err
			}
		}
		label, _ := slices.BinarySearch(values, lab[i])
		keep := sel.take(label)
		start := len(s.X)
		if s.X, err = appendNPY(s.X, ds.br, d, typ, buf, keep); err != nil {
			return nil, npyFail(ctx, dataPath, fmt.Errorf("reading NPY data (%s, shape %v): sample %d: %w", ds.h.descr, shape, i, err))
		}
		if !keep {
			continue
		}
		for _, v := range s.X[start:] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fileError(dataPath, formatErrorf("sample %d holds %v", i, v))
			}
		}
		s.Labels = append(s.Labels, label)
	}
	if i == m { // read to the end: check that the file ends there
		if err := ds.end(int64(ds.h.elems) * int64(typ.size)); err != nil {
			return nil, npyFail(ctx, dataPath, err)
		}
	}
	return s, nil
}
