# Runs inside a DataBridge worker: `data_manager` holds this run's input and takes its output.
# With pandas installed, fetch_once() yields one pandas DataFrame per Arrow batch; without pandas it
# yields record batches, and the pure-Python path below is used instead.
try:
    import pandas  # noqa: F401
    HAVE_PANDAS = True
except ImportError:
    HAVE_PANDAS = False

if HAVE_PANDAS and data_manager.uses_pandas:
    def enrich(df):
        df = df.assign(total=(df["qty"] * df["price"]).round(2))
        df["size"] = ["large" if t >= 1000 else "small" for t in df["total"]]
        return df

    data_manager.set_output(enrich(df) for df in data_manager.fetch_once())
else:
    def enrich_rows(rows):
        for row in rows:
            total = round(row["qty"] * row["price"], 2)
            yield dict(row, total=total, size="large" if total >= 1000 else "small")

    data_manager.build_result(enrich_rows(data_manager.fetch_once_as_rows()))

data_manager.log("enriched orders for group %s" % data_manager.conf.get("GROUP_ID", "-"))
