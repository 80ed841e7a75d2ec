package tacc

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"unicode/utf8"
)

// The io.Writer/io.Reader adapters over the stream codec, in klauspost/compress's
// zstd.NewWriter/zstd.NewReader shape.
//
// On the byte stream each chunk is written as its length (unsigned LEB128, Go's uvarint) and
// then its bytes: chunks have no length of their own (docs/STREAM.md), and an io.Writer has no
// message boundaries. Over a transport that has them (SSE events, WebSocket messages), use
// StreamEncoder/StreamDecoder and send the chunks bare.

// DefaultChunkSize is how many bytes of text a Writer takes before it ends a chunk on its own.
const DefaultChunkSize = 64 << 10

// WriterOption sets one option of a Writer; no option, or an option given its zero value,
// means the default.
type WriterOption func(*writerConfig)

type writerConfig struct {
	stream    StreamOptions
	chunkSize int
}

// WithChunkCheck(true) makes every chunk carry a 16-bit check (StreamOptions.ChunkCheck).
// Default: off.
func WithChunkCheck(on bool) WriterOption {
	return func(c *writerConfig) { c.stream.ChunkCheck = on }
}

// WithChunkSize sets how many bytes of text a Writer takes before it ends a chunk on its own,
// so a large Write never reaches a Reader's per-chunk limit (a chunk's output counts its token
// IDs × 4 plus its text: at most 5 × the chunk size, 320 KiB by default, against 64 MiB). 0 means DefaultChunkSize;
// a negative size ends chunks only on Flush and Close.
func WithChunkSize(n int) WriterOption {
	return func(c *writerConfig) { c.chunkSize = n }
}

// Writer compresses the UTF-8 text written to it into a tacc stream on an io.Writer.
//
// Write pushes text into the current chunk; a chunk is written to the underlying writer when
// ChunkSize bytes have been taken, on Flush, and on Close, which ends the stream (end marker and
// CRC-32); until Close the stream is not complete. A character split across two Writes is held
// until its last byte arrives. Text that is not UTF-8 fails with ErrInvalidUTF8. An error
// ends the stream (part of the failed Write may have been taken): every later call returns it. Close does not close the underlying writer. Calls are
// serialized, though a stream is naturally written by one goroutine.
type Writer struct {
	mu        sync.Mutex
	enc       *StreamEncoder
	w         io.Writer
	chunkSize int
	taken     int    // bytes of text pushed into the current chunk (< chunkSize)
	dirty     bool   // something pushed since the last chunk
	tail      []byte // the start of a character whose last bytes have not come yet
	out       []byte // reused: the length and bytes of one chunk
	err       error  // sticky
}

// NewWriter returns a Writer that writes a stream of text tokenized and coded with c to w.
func (c *Codec) NewWriter(w io.Writer, opts ...WriterOption) (*Writer, error) {
	var cfg writerConfig
	for _, set := range opts {
		set(&cfg)
	}
	if cfg.chunkSize == 0 {
		cfg.chunkSize = DefaultChunkSize
	} else if cfg.chunkSize > 0 && cfg.chunkSize < utf8.UTFMax {
		cfg.chunkSize = utf8.UTFMax // room for any one character
	}
	enc, err := c.NewStreamEncoderWith(cfg.stream)
	if err != nil {
		return nil, err
	}
	return &Writer{enc: enc, w: w, chunkSize: cfg.chunkSize}, nil
}

// Write takes p as text; it returns len(p), or 0 and the error that ended the stream.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	if w.enc == nil {
		return 0, ErrStreamClosed
	}
	text := p
	if len(w.tail) > 0 { // the rest of a character split by the last Write
		text = append(w.tail, p...)
		w.tail = nil
	}
	// Hold an incomplete last character back for the next Write.
	end := len(text)
	for i := len(text) - 1; i >= 0 && i >= len(text)-utf8.UTFMax; i-- {
		if utf8.RuneStart(text[i]) {
			if !utf8.FullRune(text[i:]) {
				end = i
			}
			break
		}
	}
	if err := w.take(text[:end]); err != nil {
		w.err = err
		return 0, err
	}
	w.tail = append([]byte(nil), text[end:]...)
	return len(p), nil
}

// take pushes text (ending on a character boundary) in pieces that fill chunks to chunkSize.
func (w *Writer) take(text []byte) error {
	for len(text) > 0 {
		n := len(text)
		if w.chunkSize > 0 && w.taken+n > w.chunkSize {
			n = w.chunkSize - w.taken
			for n > 0 && !utf8.RuneStart(text[n]) {
				n-- // cut before the character that would not fit
			}
			if n == 0 {
				if w.taken == 0 {
					return fmt.Errorf("tacc: Writer: chunk size %d cannot hold a character", w.chunkSize)
				}
				if err := w.flush(); err != nil {
					return err
				}
				continue
			}
		}
		if err := w.enc.pushUTF8(text[:n]); err != nil {
			return err
		}
		w.taken += n
		w.dirty = true
		text = text[n:]
		if w.chunkSize > 0 && w.taken >= w.chunkSize {
			if err := w.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteTokenIDs pushes token IDs (of the codec's tokenizer) into the current chunk: what an
// inference server has in hand. They end chunks only on Flush and Close.
func (w *Writer) WriteTokenIDs(ids []uint32) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.enc == nil {
		return ErrStreamClosed
	}
	if len(w.tail) > 0 {
		w.err = errIncompleteUTF8(len(w.tail))
		return w.err
	}
	if err := w.enc.Push(ids); err != nil {
		w.err = err
		return err
	}
	w.dirty = w.dirty || len(ids) > 0
	return nil
}

// Flush ends the current chunk and writes it to the underlying writer, so the reader can
// decode everything written so far (but a character split across Writes, held back). A Flush
// with nothing taken since the last chunk writes nothing.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.enc == nil {
		return ErrStreamClosed
	}
	if !w.dirty {
		return nil
	}
	if err := w.flush(); err != nil {
		w.err = err
		return err
	}
	return nil
}

func (w *Writer) flush() error {
	chunk, err := w.enc.Flush()
	if err != nil {
		return err
	}
	w.taken, w.dirty = 0, false
	return w.writeChunk(chunk)
}

func (w *Writer) writeChunk(chunk []byte) error {
	w.out = binary.AppendUvarint(w.out[:0], uint64(len(chunk)))
	w.out = append(w.out, chunk...)
	_, err := w.w.Write(w.out)
	return err
}

// Close ends the stream: the text taken since the last chunk, the end marker and the CRC-32
// are written as the last chunk, and the encoder is released. Close is idempotent; it does not
// close the underlying writer. A character left incomplete fails with ErrInvalidUTF8.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.enc == nil {
		return w.err
	}
	defer func() {
		w.enc.Close()
		w.enc = nil
	}()
	if w.err != nil {
		return w.err
	}
	if len(w.tail) > 0 {
		w.err = errIncompleteUTF8(len(w.tail))
		return w.err
	}
	last, err := w.enc.Finish()
	if err == nil {
		err = w.writeChunk(last)
	}
	w.err = err
	return err
}

func errIncompleteUTF8(n int) error {
	return &Error{Status: StatusInvalidUTF8, Message: fmt.Sprintf("the text ends inside a character (%d of its bytes written)", n)}
}

// ReaderOption sets one option of a Reader; no option, or an option given its zero value,
// means the default.
type ReaderOption func(*readerConfig)

type readerConfig struct {
	limits    Limits
	setLimits bool
}

// WithReaderLimits decodes within l (Limits: the zero value means the defaults): a chunk
// whose text would pass l.MaxOutputBytes, or a chunk longer than that on the wire, or a stream
// past l.MaxTokens, fails with ErrTooLarge. Without it: the codec's Limits (Codec.NewReader) or
// the defaults (NewReader).
func WithReaderLimits(l Limits) ReaderOption {
	return func(c *readerConfig) { c.limits, c.setLimits = l, true }
}

// Reader restores the text of a stream that a Writer wrote.
//
// Read returns io.EOF once the stream's last chunk has been read and its CRC-32 matched;
// io.ErrUnexpectedEOF when the underlying reader ends before that (a truncated stream); an
// *Error (ErrCorrupt, ErrChecksumMismatch, ErrTooLarge, ...) for a damaged one. After an error,
// every later Read returns it. The Reader may read past the stream's end from r (it buffers);
// it reads nothing after the last chunk itself. Close releases the decoder and does not close r.
type Reader struct {
	mu       sync.Mutex
	dec      *StreamDecoder
	r        io.Reader
	br       io.ByteReader
	maxChunk uint64 // longest chunk accepted on the wire
	chunk    []byte // reused
	text     []byte // decoded, not yet read
	off      int
	finished bool
	err      error // sticky
}

// NewReader returns a Reader of a stream made with a built-in tokenizer (the stream header
// names it).
func NewReader(r io.Reader, opts ...ReaderOption) (*Reader, error) {
	var cfg readerConfig
	for _, set := range opts {
		set(&cfg)
	}
	c, err := NewBuiltinDecoder(cfg.limits)
	if err != nil {
		return nil, err
	}
	defer c.Close() // the decoder keeps what it needs
	return c.newReader(r)
}

// NewReader returns a Reader of a stream made with this codec (needed for custom tokenizers
// or priors) or with a built-in tokenizer.
func (c *Codec) NewReader(r io.Reader, opts ...ReaderOption) (*Reader, error) {
	var cfg readerConfig
	for _, set := range opts {
		set(&cfg)
	}
	if !cfg.setLimits {
		return c.newReader(r)
	}
	limited, err := c.WithLimits(cfg.limits)
	if err != nil {
		return nil, err
	}
	defer limited.Close()
	return limited.newReader(r)
}

func (c *Codec) newReader(r io.Reader) (*Reader, error) {
	l, err := c.Limits()
	if err != nil {
		return nil, err
	}
	dec, err := c.NewStreamDecoder()
	if err != nil {
		return nil, err
	}
	br, ok := r.(io.ByteReader)
	if !ok {
		b := bufio.NewReader(r)
		r, br = b, b
	}
	return &Reader{dec: dec, r: r, br: br, maxChunk: l.MaxOutputBytes}, nil
}

// Read reads decoded text into p.
func (r *Reader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.off == len(r.text) {
		if r.err != nil {
			return 0, r.err
		}
		if r.dec == nil {
			return 0, ErrStreamClosed
		}
		if r.finished {
			return 0, io.EOF
		}
		r.err = r.next()
	}
	n := copy(p, r.text[r.off:])
	r.off += n
	return n, nil
}

// next reads and decodes one chunk.
func (r *Reader) next() error {
	n, err := binary.ReadUvarint(r.br)
	switch {
	case err == io.EOF:
		return io.ErrUnexpectedEOF // the stream's last chunk never came
	case isOverflow(err):
		return &Error{Status: StatusCorrupt, Message: "stream chunk length does not fit 64 bits"}
	case err != nil:
		return err
	case n > r.maxChunk:
		return &Error{Status: StatusTooLarge, Message: fmt.Sprintf("stream chunk of %d bytes, more than the limit of %d (max_output_bytes)", n, r.maxChunk)}
	}
	// Grow with the bytes that really arrive, not with what a hostile length claims.
	r.chunk = r.chunk[:0]
	for left := n; left > 0; {
		step := min(left, 64<<10)
		have := len(r.chunk)
		r.chunk = append(r.chunk, make([]byte, step)...)
		if _, err := io.ReadFull(r.r, r.chunk[have:]); err != nil {
			if errors.Is(err, io.EOF) {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		left -= step
	}
	r.text, r.off = r.text[:0], 0
	r.text, r.finished, err = r.dec.appendText(r.text, r.chunk)
	return err
}

// isOverflow: binary.ReadUvarint's overflow error is not exported.
func isOverflow(err error) bool {
	return err != nil && err.Error() == "binary: varint overflows a 64-bit integer"
}

// Close releases the decoder; idempotent. It does not close the underlying reader.
func (r *Reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dec != nil {
		r.dec.Close()
		r.dec = nil
	}
	return nil
}
