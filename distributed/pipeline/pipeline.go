package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/redunet-go/redunet/redunet"
)

// The pipeline, per split (training and test), in shards of samples:
//
//	read + lift + FFT ─► Part (depth 0; its spectra in a file of Spec.Scratch)
//	for every layer l = 1…L, and once more for the rates of the output:
//	  train Parts ─► statsFn: per-bin Gram sums per class, split by bin
//	      group ─► CombinePerKey(bin group, mergeFn) ─► factorFn: the
//	      operators of the group's bins ─► GroupByKey ─► joinFn: the layer,
//	      written to Spec.Scratch (its path a singleton), and its input rates
//	      (a LayerInfo)
//	  train and test Parts + the layer's path (side input) ─► applyFn ─►
//	      Parts (depth l), ŷ
//	final Parts ─► scoreFn (ŷ, labels) and, on request, featuresFn (.npy)
//	LayerInfos + Scores ─► writeFn: the summary and the model file
//
// The elements between stages are small: a shard's labels and the path of
// its spectra, a bin group's statistics, a layer's parts, a path. No stage
// holds the spectra of more than one shard. Every worker that applies a
// layer reads it (its size does not grow with the data).

// Part is one shard of samples at some depth: their labels, the ŷ and
// soft assignments π̂ (M×K, rows summing to 1) of the last layer applied
// (none at depth 0), and where the batch is: a file of
// Spec.Scratch holding its wire form (redunet.Batch.MarshalBinary). The
// spectra go by reference, so that the runner moves and keeps only small
// elements between stages, whatever the number of samples; each stage
// holds one shard's spectra at a time.
type Part struct {
	Split  string
	Shard  int
	Depth  int
	Labels []int
	Pred   []int
	Prob   []float64
	Path   string
}

// LayerInfo is what the pipeline records at a depth: the rates of the
// training features under their labels there (the input rates of the layer
// built on them), the size of the layer's operators in wire form, and
// when the layer was joined (UnixNano).
type LayerInfo struct {
	Depth      int
	DeltaR     float64
	R, Rc      float64
	LayerBytes int
	Joined     int64
}

// Score is a final shard's labels and the last layer's ŷ.
type Score struct {
	Split  string
	Shard  int
	Labels []int
	Pred   []int
}

func init() {
	beam.RegisterType(reflect.TypeOf((*Part)(nil)).Elem())
	beam.RegisterType(reflect.TypeOf((*LayerInfo)(nil)).Elem())
	beam.RegisterType(reflect.TypeOf((*Score)(nil)).Elem())
	register.DoFn3x1[context.Context, int, func(Part), error](&readFn{})
	register.DoFn3x1[context.Context, Part, func(int, []byte), error](&statsFn{})
	register.Combiner3[[]byte, []byte, []byte](&mergeFn{})
	register.DoFn4x1[context.Context, int, []byte, func(int, []byte), error](&factorFn{})
	register.DoFn5x1[context.Context, int, func(*[]byte) bool, func(string), func(LayerInfo), error](&joinFn{})
	register.DoFn4x1[context.Context, Part, string, func(Part), error](&applyFn{})
	register.DoFn2x0[Part, func(Score)](&scoreFn{})
	register.DoFn2x1[context.Context, Part, error](&featuresFn{})
	register.DoFn4x1[context.Context, []byte, func(*LayerInfo) bool, func(*Score) bool, error](&writeFn{})
	register.Emitter1[Part]()
	register.Emitter1[string]()
	register.Emitter1[LayerInfo]()
	register.Emitter1[Score]()
	register.Emitter2[int, []byte]()
	register.Iter1[[]byte]()
	register.Iter1[LayerInfo]()
	register.Iter1[Score]()
}

// Build adds the run of spec to the pipeline of s.
func Build(s beam.Scope, spec *Spec) {
	s = s.Scope("redunet")
	shards := make([]int, spec.Shards)
	for i := range shards {
		shards[i] = i
	}
	ids := beam.CreateList(s.Scope("shards"), shards)
	train := beam.ParDo(s.Scope("read train"), &readFn{Spec: *spec, Split: Train}, ids)
	var test beam.PCollection
	if spec.TestPer != 0 {
		test = beam.ParDo(s.Scope("read test"), &readFn{Spec: *spec, Split: Test}, ids)
	}
	var infos []beam.PCollection
	for l := 1; l <= spec.Params.Layers+1; l++ {
		ls := s.Scope(fmt.Sprintf("layer %d", l))
		if l > spec.Params.Layers {
			ls = s.Scope("output rates")
		}
		layer, info := buildLayer(ls, spec, l, train)
		infos = append(infos, info)
		if l > spec.Params.Layers {
			break
		}
		train = beam.ParDo(ls.Scope("apply train"), &applyFn{Spec: *spec}, train, beam.SideInput{Input: layer})
		if spec.TestPer != 0 {
			test = beam.ParDo(ls.Scope("apply test"), &applyFn{Spec: *spec}, test, beam.SideInput{Input: layer})
		}
	}
	final := []beam.PCollection{train}
	if spec.TestPer != 0 {
		final = append(final, test)
	}
	parts := beam.Flatten(s, final...)
	scores := beam.ParDo(s.Scope("score"), &scoreFn{}, parts)
	if spec.Features != "" {
		beam.ParDo0(s.Scope("features"), &featuresFn{Spec: *spec}, parts)
	}
	one := beam.Create(s.Scope("write"), []byte{})
	beam.ParDo0(s.Scope("write"), &writeFn{Spec: *spec}, one,
		beam.SideInput{Input: beam.Flatten(s, infos...)}, beam.SideInput{Input: scores})
}

// buildLayer adds the statistics, reduction, factorisation and join of the
// layer built on train (layer l; or, l = L+1, only the rates of the
// output): it returns the layer (a singleton PCollection of the path of
// its wire form) and its LayerInfo.
func buildLayer(s beam.Scope, spec *Spec, l int, train beam.PCollection) (layer, info beam.PCollection) {
	parts := beam.ParDo(s.Scope("statistics"), &statsFn{Spec: *spec}, train)
	merged := beam.CombinePerKey(s.Scope("reduce"), &mergeFn{Spec: *spec}, parts)
	factored := beam.ParDo(s.Scope("factorise"), &factorFn{Spec: *spec}, merged)
	grouped := beam.GroupByKey(s.Scope("gather"), factored)
	return beam.ParDo2(s.Scope("join"), &joinFn{Spec: *spec, Depth: l - 1}, grouped)
}

// netOf returns the net of spec, made once per DoFn instance.
func netOf(spec *Spec, n **redunet.Net) (*redunet.Net, error) {
	if *n == nil {
		net, err := spec.Net()
		if err != nil {
			return nil, err
		}
		*n = net
	}
	return *n, nil
}

// readFn reads one shard of a split, lifts and transforms it: a Part at
// depth 0. It counts the samples read (counter "samples_<split>").
type readFn struct {
	Spec  Spec
	Split string
	net   *redunet.Net
}

func (f *readFn) ProcessElement(ctx context.Context, shard int, emit func(Part)) error {
	net, err := netOf(&f.Spec, &f.net)
	if err != nil {
		return err
	}
	set, err := f.Spec.Load(ctx, f.Split, shard, f.Spec.Shards)
	if err != nil {
		return err
	}
	if set.Len() == 0 {
		return nil
	}
	b, err := net.Encode(set.X)
	if err != nil {
		return fmt.Errorf("%s shard %d: %w", f.Split, shard, err)
	}
	if f.Spec.Features != "" && f.Spec.InputFeatures {
		if err := writeFeatures(&f.Spec, net, "input-", f.Split, shard, b, nil, nil); err != nil {
			return err
		}
	}
	p := Part{Split: f.Split, Shard: shard, Labels: set.Labels}
	if err := putBatch(ctx, &f.Spec, &p, b); err != nil {
		return err
	}
	beam.NewCounter("redunet", "samples_"+f.Split).Inc(ctx, int64(set.Len()))
	emit(p)
	return nil
}

// putBatch writes the batch of p, at p's depth, to the scratch space and
// sets p.Path; it removes the shard's batch of two depths before, which no
// stage reads any more (the one before is the input of this stage, read
// again if the stage is retried).
func putBatch(ctx context.Context, spec *Spec, p *Part, b *redunet.Batch) error {
	data, err := b.MarshalBinary()
	if err != nil {
		return err
	}
	p.Path = spec.scratchPath(p.Depth, p.Split, p.Shard)
	beam.NewCounter("redunet", "batch_bytes").Inc(ctx, int64(len(data)))
	if err := writeAtomic(ctx, p.Path, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return err
	}
	if p.Depth >= 2 {
		removeFile(ctx, spec.scratchPath(p.Depth-2, p.Split, p.Shard))
	}
	return nil
}

// getBatch reads the batch of p.
func getBatch(ctx context.Context, net *redunet.Net, p Part) (*redunet.Batch, error) {
	data, err := readFile(ctx, p.Path)
	if err != nil {
		return nil, err
	}
	b, err := net.UnmarshalBatch(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Path, err)
	}
	return b, nil
}

// statsFn computes a training shard's statistics and emits them by bin
// group (key), in wire form. It counts the bytes it emits (counter
// "stats_bytes"): what the reduction moves before combining.
type statsFn struct {
	Spec Spec
	net  *redunet.Net
}

func (f *statsFn) ProcessElement(ctx context.Context, p Part, emit func(int, []byte)) error {
	net, err := netOf(&f.Spec, &f.net)
	if err != nil {
		return err
	}
	b, err := getBatch(ctx, net, p)
	if err != nil {
		return err
	}
	st, err := net.Statistics(b, p.Labels)
	if err != nil {
		return err
	}
	for q, part := range st.Split(f.Spec.BinGroups) {
		d, err := part.MarshalBinary()
		if err != nil {
			return err
		}
		beam.NewCounter("redunet", "stats_bytes").Inc(ctx, int64(len(d)))
		emit(q, d)
	}
	return nil
}

// mergeFn adds up the statistics of one bin group over shards. Its
// accumulator is the wire form of the sum (empty: nothing yet); it never
// changes an input.
type mergeFn struct {
	Spec Spec
	net  *redunet.Net
}

func (f *mergeFn) CreateAccumulator() []byte { return nil }

func (f *mergeFn) AddInput(acc, in []byte) []byte { return f.merge(acc, in) }

func (f *mergeFn) MergeAccumulators(a, b []byte) []byte { return f.merge(a, b) }

func (f *mergeFn) ExtractOutput(acc []byte) []byte { return acc }

func (f *mergeFn) merge(a, b []byte) []byte {
	switch {
	case len(a) == 0:
		return b
	case len(b) == 0:
		return a
	}
	net, err := netOf(&f.Spec, &f.net)
	if err != nil {
		panic(err)
	}
	s, err := net.UnmarshalStats(a)
	if err != nil {
		panic(err)
	}
	t, err := net.UnmarshalStats(b)
	if err != nil {
		panic(err)
	}
	if err := s.Merge(t); err != nil {
		panic(err)
	}
	d, err := s.MarshalBinary()
	if err != nil {
		panic(err)
	}
	return d
}

// factorFn factorises the summed statistics of one bin group into the
// operators of its bins (a part of the layer, in wire form, under key 0
// for the join).
type factorFn struct {
	Spec Spec
	net  *redunet.Net
}

func (f *factorFn) ProcessElement(ctx context.Context, group int, stats []byte, emit func(int, []byte)) error {
	net, err := netOf(&f.Spec, &f.net)
	if err != nil {
		return err
	}
	s, err := net.UnmarshalStats(stats)
	if err != nil {
		return err
	}
	l, err := net.Factor(s)
	if err != nil {
		return fmt.Errorf("bin group %d: %w", group, err)
	}
	d, err := l.MarshalBinary()
	if err != nil {
		return err
	}
	emit(0, d)
	return nil
}

// joinFn joins the parts of a layer and writes it to the scratch space:
// it emits the layer's path (what the workers that apply it get as a side
// input: a runner would keep a side input's value in every stage that
// reads it), and the LayerInfo of the depth it was built on.
type joinFn struct {
	Spec  Spec
	Depth int
	net   *redunet.Net
}

func (f *joinFn) ProcessElement(ctx context.Context, _ int, parts func(*[]byte) bool, emit func(string), info func(LayerInfo)) error {
	net, err := netOf(&f.Spec, &f.net)
	if err != nil {
		return err
	}
	var ls []*redunet.Layer
	var d []byte
	for parts(&d) {
		l, err := net.UnmarshalLayer(d)
		if err != nil {
			return err
		}
		ls = append(ls, l)
	}
	l, err := redunet.JoinLayers(ls)
	if err != nil {
		return err
	}
	out, err := l.MarshalBinary()
	if err != nil {
		return err
	}
	path := f.Spec.layerPath(f.Depth + 1)
	if err := writeAtomic(ctx, path, func(w io.Writer) error { _, err := w.Write(out); return err }); err != nil {
		return err
	}
	r := l.InputRates()
	if f.Spec.Progress {
		// On prism this is the submitting program's stderr; on a cluster,
		// the worker's log.
		what := fmt.Sprintf("layer %d built", f.Depth+1)
		if f.Depth == f.Spec.Params.Layers {
			what = "the output"
		}
		fmt.Fprintf(os.Stderr, "redunet-beam: depth %d of %d: ΔR %.6f (R %.6f, Rc %.6f); %s\n", f.Depth, f.Spec.Params.Layers, r.DeltaR, r.R, r.Rc, what)
	}
	emit(path)
	info(LayerInfo{Depth: f.Depth, DeltaR: r.DeltaR, R: r.R, Rc: r.Rc, LayerBytes: len(out), Joined: time.Now().UnixNano()})
	return nil
}

// layerFiles caches the wire form of the last layers a process read, by
// path: the shards of a stage all read the same layer.
var layerFiles struct {
	sync.Mutex
	paths []string
	data  [][]byte
}

// readLayer returns the wire form of the layer at path, from the cache of
// the last two.
func readLayer(ctx context.Context, path string) ([]byte, error) {
	layerFiles.Lock()
	defer layerFiles.Unlock()
	if i := slices.Index(layerFiles.paths, path); i >= 0 {
		return layerFiles.data[i], nil
	}
	d, err := readFile(ctx, path)
	if err != nil {
		return nil, err
	}
	layerFiles.paths = append(layerFiles.paths, path)
	layerFiles.data = append(layerFiles.data, d)
	if len(layerFiles.paths) > 2 {
		layerFiles.paths, layerFiles.data = layerFiles.paths[1:], layerFiles.data[1:]
	}
	return d, nil
}

// applyFn moves a shard through a layer (the side input is its path): the Part one
// layer deeper, with the layer's ŷ. The layer is read for every shard and
// dropped after it, with the scratch of its application (about 11 times
// the shard's spectra): a runner keeps DoFn instances, one per stage, for
// the whole job, and what they held would add up over the layers. Reading
// the layer costs a small fraction of applying it to a shard.
type applyFn struct {
	Spec Spec
	net  *redunet.Net
}

func (f *applyFn) ProcessElement(ctx context.Context, p Part, layerPath string, emit func(Part)) error {
	net, err := netOf(&f.Spec, &f.net)
	if err != nil {
		return err
	}
	data, err := readLayer(ctx, layerPath)
	if err != nil {
		return err
	}
	l, err := net.UnmarshalLayer(data)
	if err != nil {
		return err
	}
	b, err := getBatch(ctx, net, p)
	if err != nil {
		return err
	}
	q := Part{Split: p.Split, Shard: p.Shard, Depth: p.Depth + 1, Labels: p.Labels, Prob: make([]float64, b.Len()*net.K)}
	q.Pred = l.Apply(b, q.Prob)
	if err := putBatch(ctx, &f.Spec, &q, b); err != nil {
		return err
	}
	emit(q)
	return nil
}

// scoreFn keeps what the accuracy needs of a final Part.
type scoreFn struct{}

func (scoreFn) ProcessElement(p Part, emit func(Score)) {
	emit(Score{Split: p.Split, Shard: p.Shard, Labels: p.Labels, Pred: p.Pred})
}
