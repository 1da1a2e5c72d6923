-- KEYS: job, unfinished, feed, deadlines. ARGV: id, status, error, finishedAt, ttl seconds, the
-- merged partial (base64; empty unless SUCCEEDED), ends channel → the job's fields if ended here,
-- else an empty list.
return finish(KEYS[1], KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6],
    ARGV[7])
