"""One error hierarchy: every expected failure is a PolicyQAError with a sentence a user can act on."""


class PolicyQAError(Exception):
    """An expected failure; its message is one plain sentence that says what to do."""


class InputError(PolicyQAError):
    """The user gave something we cannot use (a bad file, an empty question, an unknown option)."""


class UnsupportedFormatError(InputError):
    """The file's extension or content is not a policy format we read."""


class IndexMissingError(PolicyQAError):
    """No index exists yet for what was asked."""


class IndexChangedError(IndexMissingError):
    """The index switched to a new build while a question was reading it (an ingest just finished)."""


class IndexMismatchError(PolicyQAError):
    """The index on disk was built with a different model, chunker or metric."""


class UnknownPolicyError(InputError):
    """A policy id that is not indexed."""


class GoldFileError(InputError):
    """A gold question file that does not validate."""


class IndexDamagedError(PolicyQAError):
    """A file of the index is unreadable or not what the manifest recorded (a crash, a full disk, an edit)."""


class IndexWriteError(PolicyQAError):
    """The index could not be written (a full disk, no permission); the index in use is left as it was."""


class IndexBusyError(PolicyQAError):
    """Another process is writing the same index."""


class IndexUnavailableError(PolicyQAError):
    """The vector store stopped answering mid-session (a Chroma server gone, a store file taken away)."""
