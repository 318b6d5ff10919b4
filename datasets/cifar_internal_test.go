package datasets

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// cifarFormats are the CIFAR layouts the fuzz target chooses from: the real
// ones, and the same with records of 5 pixel bytes, which the fuzzer can
// mutate and minimise quickly (records of 3,000 bytes make it crawl).
var cifarFormats = func() []*cifarFormat {
	formats := []*cifarFormat{&cifar10Format, &cifar100Fine, &cifar100Coarse}
	for _, f := range formats[:3] {
		small := *f
		small.pixels = 5
		formats = append(formats, &small)
	}
	return formats
}()

// readCIFARRecords decodes len(labels) records of format f from r with
// readCIFARStream, keeping every one: the label of record i goes to
// labels[i] and its pixels to x[i*f.pixels:(i+1)*f.pixels].
func readCIFARRecords(r io.Reader, f *cifarFormat, labels []int, x []float64) error {
	o := newOptions(nil)
	sel, err := o.newSelector("fuzz", f.ranges[f.use])
	if err != nil {
		panic(err)
	}
	s := &Set{}
	err = readCIFARStream(r, f, len(labels), sel, s)
	copy(labels, s.Labels)
	copy(x, s.X)
	return err
}

// FuzzCIFARRecords is seeded with valid batch files of every layout: a few
// records with labels at both ends of their ranges. Whatever the bytes,
// decoding must not panic; what it accepts must be the bytes themselves,
// with labels in range; and asking for one record more than the input
// holds must end in io.ErrUnexpectedEOF, unless a bad label comes first.
func FuzzCIFARRecords(f *testing.F) {
	for k, format := range cifarFormats {
		var b []byte
		for r, last := range []bool{false, true, false} {
			for _, n := range format.ranges {
				l := byte(r % n)
				if last {
					l = byte(n - 1)
				}
				b = append(b, l)
			}
			for j := range format.pixels {
				b = append(b, byte(r*37+j*7))
			}
		}
		f.Add(b, uint8(k))
		if format.pixels < cifarPixels {
			f.Add(b[:format.record()], uint8(k))
			f.Add(b[:len(b)-1], uint8(k))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, kind uint8) {
		format := cifarFormats[int(kind)%len(cifarFormats)]
		rec := format.record()
		n := min(len(b)/rec, 8)
		labels := make([]int, n+1)
		x := make([]float64, (n+1)*format.pixels)
		err := readCIFARRecords(bytes.NewReader(b), format, labels[:n], x[:n*format.pixels])
		if err != nil {
			if !errors.As(err, new(FormatError)) {
				t.Fatalf("%d records: error %v is not a FormatError", n, err)
			}
		} else {
			for i := range n {
				r := b[i*rec : (i+1)*rec]
				for j, c := range format.ranges {
					if int(r[j]) >= c {
						t.Fatalf("record %d: label byte %d is %d, of %d classes", i, j, r[j], c)
					}
				}
				if labels[i] != int(r[format.use]) {
					t.Fatalf("record %d: label %d, want %d", i, labels[i], r[format.use])
				}
				for j, v := range x[i*format.pixels : (i+1)*format.pixels] {
					if v != float64(r[format.labels+j])/255 {
						t.Fatalf("record %d: value %d is %v, want %d/255", i, j, v, r[format.labels+j])
					}
				}
			}
		}
		if len(b) >= (n+1)*rec {
			return // more than 8 records: the input holds one more
		}
		err = readCIFARRecords(bytes.NewReader(b), format, labels, x)
		if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.As(err, new(FormatError)) {
			t.Fatalf("%d records of %d bytes from %d bytes: %v", n+1, rec, len(b), err)
		}
	})
}
