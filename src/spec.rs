//! [`CodecSpec`]: a codec described by names, files and bytes, and the one place the rules for
//! combining them live. The CLI's flags, the C ABI's `tacc_codec_spec`, and the Go, Python and
//! Kotlin/Swift constructors all fill one in and call [`CodecSpec::build`].

use std::path::PathBuf;
use std::sync::Arc;

use crate::codec::Codec;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::mapping::Mapping;
use crate::model::Priors;
#[cfg(feature = "encode")]
use crate::tokenizer::Tokenizer;
use crate::tokenizer::Vocab;

/// A file's contents, or where to read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Read from this path when the codec is built.
    Path(PathBuf),
    /// These bytes.
    Bytes(Vec<u8>),
}

impl Source {
    fn read(&self) -> Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Source::Path(p) => std::fs::read(p)
                .map(Into::into)
                .map_err(|e| Error::Io(format!("{}: {e}", p.display()))),
            Source::Bytes(b) => Ok(b.as_slice().into()),
        }
    }

    /// The file stem of a path (a custom tokenizer's name).
    #[cfg(feature = "encode")]
    fn stem(&self) -> &str {
        match self {
            Source::Path(p) => p.file_stem().and_then(|s| s.to_str()).unwrap_or("custom"),
            Source::Bytes(_) => "custom",
        }
    }
}

/// What a codec is made of. Every field is optional:
///
/// | given | the codec |
/// |---|---|
/// | `tokenizer` only | the named vocabulary: a built-in, or an open model's for token IDs only |
/// | `tokenizer_file` (and an open model's name, checked) | the file's tokenizer: an open model's file is recognized and named; any other is custom, split by `pattern` |
/// | `priors` only | token IDs with the vocabulary the priors name ([`Codec::from_priors`]) |
/// | nothing | cl100k_base |
///
/// `mapping` and `priors` then replace the defaults, and `limits` bound every decode.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodecSpec {
    /// A vocabulary name: built-in (`cl100k_base`, ...) or open (`llama3`, ...).
    pub tokenizer: Option<String>,
    /// A tokenizer file: tiktoken rank file (`.tiktoken`, Llama's `tokenizer.model`) or Tekken
    /// JSON.
    pub tokenizer_file: Option<Source>,
    /// The split pattern of a custom tokenizer file: a preset (`cl100k`, `o200k`, `gpt2`,
    /// `qwen2`) or a regex. Default: the file's own, else `cl100k`.
    pub pattern: Option<String>,
    /// A tacc mapping file (`tacc mapping`).
    pub mapping: Option<Source>,
    /// A priors file (`tacc train`, or an open model's `models/<name>.tpf.zst`).
    pub priors: Option<Source>,
    /// Where to find a named vocabulary's priors this build does not embed (the open models'):
    /// `<dir>/<name>.tpf.zst`, read when `priors` is not set. A missing file is no error (the
    /// codec then codes adaptively); a file that is there must be that vocabulary's priors.
    pub priors_dir: Option<PathBuf>,
    /// Decode limits ([`Limits::DEFAULT`] unless set).
    pub limits: Limits,
}

impl CodecSpec {
    /// An empty spec (cl100k_base until something else is set).
    pub fn new() -> CodecSpec {
        CodecSpec::default()
    }

    /// Names the vocabulary.
    pub fn with_tokenizer(mut self, name: impl Into<String>) -> CodecSpec {
        self.tokenizer = Some(name.into());
        self
    }

    /// Sets the tokenizer file.
    pub fn with_tokenizer_file(mut self, file: Source) -> CodecSpec {
        self.tokenizer_file = Some(file);
        self
    }

    /// Sets the split pattern of a custom tokenizer file.
    pub fn with_pattern(mut self, pattern: impl Into<String>) -> CodecSpec {
        self.pattern = Some(pattern.into());
        self
    }

    /// Sets the mapping file.
    pub fn with_mapping(mut self, file: Source) -> CodecSpec {
        self.mapping = Some(file);
        self
    }

    /// Sets the priors file.
    pub fn with_priors(mut self, file: Source) -> CodecSpec {
        self.priors = Some(file);
        self
    }

    /// Sets the directory of named priors files.
    pub fn with_priors_dir(mut self, dir: impl Into<PathBuf>) -> CodecSpec {
        self.priors_dir = Some(dir.into());
        self
    }

    /// Sets the decode limits.
    pub fn with_limits(mut self, limits: Limits) -> CodecSpec {
        self.limits = limits;
        self
    }

    /// Builds the codec: reads and checks every file now, so a bad file fails here and not at
    /// the first message.
    pub fn build(&self) -> Result<Codec> {
        let priors = match &self.priors {
            Some(s) => Some(Arc::new(Priors::from_file_bytes(&s.read()?)?)),
            None => None,
        };
        if self.pattern.is_some() && self.tokenizer_file.is_none() {
            return Err(Error::InvalidArgument(
                "a split pattern applies to a tokenizer file only".into(),
            ));
        }
        let codec = match (&self.tokenizer_file, &self.tokenizer, &priors) {
            (Some(file), name, _) => self.codec_of_file(file, name.as_deref())?,
            (None, Some(name), _) => Codec::new(name)?,
            (None, None, Some(p)) => Codec::from_priors(p.clone())?,
            (None, None, None) => Codec::new("cl100k_base")?,
        };
        let codec = match (&self.mapping, &self.priors_dir, codec.vocab()) {
            (Some(s), _, _) => codec.with_mapping(Arc::new(Mapping::from_bytes(&s.read()?)?)),
            // An open vocabulary's tacc mapping when the build does not embed it: beside its
            // priors (<dir>/<name>.tmap.zst), or in the repository layout (<dir>/../mappings/).
            (None, Some(dir), Some(Vocab::Open(v))) if !Mapping::is_open_embedded(v) => {
                let file = format!("{}.tmap.zst", v.name());
                match [dir.join(&file), dir.join("../mappings").join(&file)]
                    .into_iter()
                    .find(|p| p.is_file())
                {
                    Some(path) => {
                        let m = Mapping::from_file(&path)?;
                        if m.open_vocab() != Some(v) {
                            return Err(Error::Mismatch(format!(
                                "{} holds another mapping than {}'s",
                                path.display(),
                                v.name()
                            )));
                        }
                        codec.with_mapping(Arc::new(m))
                    }
                    None => codec,
                }
            }
            (None, _, _) => codec,
        };
        let priors = match (priors, &self.priors_dir, codec.vocab()) {
            (Some(p), _, _) => Some(p),
            (None, Some(dir), Some(Vocab::Open(v)))
                if !crate::codecs::model::is_embedded(v.priors_id()) =>
            {
                let path = dir.join(format!("{}.tpf.zst", v.name()));
                match std::fs::read(&path) {
                    Ok(bytes) => {
                        let p = Priors::from_file_bytes(&bytes)?;
                        if crate::codecs::model::named_priors_id(&p) != Some(v.priors_id()) {
                            return Err(Error::Mismatch(format!(
                                "{} holds other priors than {}'s",
                                path.display(),
                                v.name()
                            )));
                        }
                        Some(Arc::new(p))
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                    Err(e) => return Err(Error::Io(format!("{}: {e}", path.display()))),
                }
            }
            _ => None,
        };
        let codec = match priors {
            Some(p) => codec.with_priors(p),
            None => codec,
        };
        Ok(codec.with_limits(self.limits))
    }

    #[cfg(feature = "encode")]
    fn codec_of_file(&self, file: &Source, name: Option<&str>) -> Result<Codec> {
        let bytes = file.read()?;
        let tokenizer = match name.map(Vocab::from_name).transpose()? {
            Some(Vocab::Open(v)) if self.pattern.is_none() => Tokenizer::open(v, &bytes)?,
            Some(Vocab::Open(v)) => {
                return Err(Error::InvalidArgument(format!(
                    "{} has its own split pattern: pass no pattern",
                    v.name()
                )))
            }
            Some(Vocab::Builtin(b)) => {
                return Err(Error::InvalidArgument(format!(
                    "{} is built in: pass no tokenizer file for it",
                    b.name()
                )))
            }
            None => Tokenizer::from_bytes(file.stem(), &bytes, self.pattern.as_deref())?,
        };
        Ok(Codec::from_tokenizer(Arc::new(tokenizer)))
    }

    #[cfg(not(feature = "encode"))]
    fn codec_of_file(&self, _file: &Source, _name: Option<&str>) -> Result<Codec> {
        Err(Error::InvalidArgument(
            "this build reads no tokenizer files (cargo feature `encode`)".into(),
        ))
    }
}
