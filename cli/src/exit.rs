//! Exit codes, and the failures that set them. One table, shown by `tacc --help`:
//! 0 success, 1 another error, 2 usage (clap's own code for a bad command line), 3 I/O (a file
//! that cannot be read or written), 4 the input is corrupt or not what the command takes.
//! With many files, every failure is reported and the first one's code is the exit code.

use std::path::Path;

use tacc::ErrorKind;

/// The exit codes, for `--help`.
pub const TABLE: &str = "Exit codes: 0 success, 1 another error, 2 usage (bad arguments, an \
existing output without -f, a frame to a terminal), 3 I/O error, 4 corrupt or invalid input \
(checksum, truncated frame, over a --max-* limit). With many files every failure is reported \
and the first one sets the code.";

/// What kind of failure, as an exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Other = 1,
    Usage = 2,
    Io = 3,
    Data = 4,
}

/// One failure: its message (printed as `tacc: <message>`) and exit code.
#[derive(Debug, Clone)]
pub struct Failure {
    pub code: Code,
    pub message: String,
}

impl Failure {
    pub fn usage(message: String) -> Failure {
        Failure {
            code: Code::Usage,
            message,
        }
    }

    pub fn io(message: String) -> Failure {
        Failure {
            code: Code::Io,
            message,
        }
    }

    /// A library error about `path`, classified by its kind.
    pub fn from_tacc(path: &Path, e: tacc::Error) -> Failure {
        let mut f = Failure::from(e);
        f.message = format!("{}: {}", path.display(), f.message);
        f
    }
}

impl From<tacc::Error> for Failure {
    fn from(e: tacc::Error) -> Failure {
        let code = match e.kind() {
            ErrorKind::Io => Code::Io,
            ErrorKind::Corrupt
            | ErrorKind::ChecksumMismatch
            | ErrorKind::InvalidUtf8
            | ErrorKind::Mismatch
            | ErrorKind::UnknownId
            | ErrorKind::TooLarge => Code::Data,
            ErrorKind::InvalidArgument | ErrorKind::UnknownTokenizer => Code::Usage,
            _ => Code::Other,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

/// Every failure of a command, reported on stderr as it is added.
#[derive(Debug, Default)]
pub struct Failures {
    first: Option<Code>,
    count: usize,
}

impl Failures {
    /// Reports `r`'s failure, if any.
    pub fn add(&mut self, r: Result<(), Failure>) {
        if let Err(f) = r {
            eprintln!("tacc: {}", f.message);
            self.first.get_or_insert(f.code);
            self.count += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The process's exit code: 0, or the first failure's.
    pub fn exit_code(&self) -> i32 {
        self.first.map_or(0, |c| c as i32)
    }

    pub fn into_result(self) -> Result<(), Failures> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl From<tacc::Error> for Failures {
    fn from(e: tacc::Error) -> Failures {
        let mut f = Failures::default();
        f.add(Err(e.into()));
        f
    }
}
