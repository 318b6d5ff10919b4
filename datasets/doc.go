// Package datasets loads labelled data sets into one in-memory type, Set,
// and selects the subsets the ReduNet experiments train and test on.
//
// # Loading
//
// Every loader returns a *Set, whatever the source. The command line names
// a source with a string that Load understands:
//
//	train, err := datasets.Load(ctx, "mnist", "train")   // found by MNISTDir
//	test, err := datasets.Load(ctx, "mnist:/data/mnist", "test")
//
// or a program calls a loader directly:
//
//	set, err := datasets.LoadMNIST("testdata/mnist", "train")
//
// Loaders take functional options; Limit(n) keeps only the first n samples
// and stops reading there.
//
// MNIST needs no setup: MNISTDir asks the go command for the module
// MNISTModule, which the Go module proxy serves and which holds the real
// MNIST files. Fashion-MNIST is read from DefaultFashionMNISTDir, where
// Debian's dataset-fashion-mnist package puts it.
//
// # Sets
//
// Rows are samples. A Set holds Len() samples of Dim() values each in one
// row-major slice X; Shape gives the shape of one sample: [C,H,W] for
// images, [C,T] for signals, [d] for vectors. Row(i) is a view of sample i.
// Labels index Classes. Image pixels are scaled to [0,1]; nothing else is
// normalised here (the networks normalise samples themselves).
//
// # Subsets
//
// The experiments train on the first n samples of each class in file order,
// labels remapped to 0..K−1 by sorted class id:
//
//	classes, err := datasets.ParseClasses("0,1")       // from a flag
//	train, err := set.Subset(classes, 500, 0)           // first 500 of each
//	val, err := set.Subset(classes, 100, 500)           // the next 100 of each
//
// # IDX files
//
// ReadIDX and ReadIDXFile read the IDX format of the MNIST files, plain or
// gzipped, checking the header and the total size before allocating.
//
// # Errors
//
// Bad input and I/O failures are returned as errors that start with
// "datasets: " and name the file or set concerned; a truncated file gives an
// error wrapping io.ErrUnexpectedEOF. Misuse by the caller, such as Row with
// an index out of range, panics.
package datasets
