package datasets

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// A FormatError reports that the content of a file is not valid: for its
// format (a bad magic number, a malformed header, a length that is not a
// whole number of records, bytes after the data) or for the data set read
// from it (a label out of range, an array of the wrong type or rank, two
// files that hold different numbers of samples). Its text says what is
// wrong; the error that carries it adds the package prefix and the file
// name. Find it with errors.As:
//
//	var fe datasets.FormatError
//	if errors.As(err, &fe) { ... }
//
// A file that ends early is not a FormatError: it gives an error wrapping
// io.ErrUnexpectedEOF.
type FormatError string

// Error returns the description of what is wrong, without the package
// prefix.
func (e FormatError) Error() string { return string(e) }

// An UnsupportedError reports that a file may be valid but uses a feature
// that this package does not read: an NPY element type such as complex128,
// Fortran order, a format version it does not know, or sizes beyond its
// limits (more than 2 GiB of IDX data, more than 2^28 NPY elements, CIFAR
// batch files of more than 160 MiB, an image of more than MaxPixels
// pixels). Its text names the feature; the error that carries it adds the package prefix
// and the file name. Find it with errors.As, as a FormatError.
type UnsupportedError string

// Error returns the description of the feature, without the package prefix.
func (e UnsupportedError) Error() string { return string(e) }

// formatErrorf returns a FormatError with a formatted text.
func formatErrorf(format string, args ...any) error {
	return FormatError(fmt.Sprintf(format, args...))
}

// unsupportedf returns an UnsupportedError with a formatted text.
func unsupportedf(format string, args ...any) error {
	return UnsupportedError(fmt.Sprintf(format, args...))
}

// fileError returns err, which arose reading the file path and has no
// package prefix, with the prefix and the file name. An *fs.PathError
// already names the file, so it only gets the prefix.
func fileError(path string, err error) error {
	if errors.As(err, new(*fs.PathError)) {
		return fmt.Errorf("datasets: %w", err)
	}
	return fmt.Errorf("datasets: %s: %w", path, err)
}

// noEOF turns io.EOF into io.ErrUnexpectedEOF: an object that has started,
// or that was expected, cannot end cleanly before its last byte.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
