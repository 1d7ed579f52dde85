"""The registry: every version of every State's matrix, in one embedded SQLite file.

Holds the stored versions (original bytes, content-addressed by SHA-256), their status
(received, working, approved) and their entries, so that references like ``XTL@approved``
resolve without a folder of copies, and histories need no re-reading of workbooks.

May import reading/, diffing/ and the model; never writing/, reports/, batching/ or the
command line (the commands write what it returns).
"""
