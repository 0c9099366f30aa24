"""The yardstick: a bare FastAPI endpoint returning a small JSON object, served by the same
uvicorn setup (one worker) as the shop, so each scenario's rate is read as a share of it."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/bare")
async def bare() -> dict[str, str]:
    return {"status": "ok"}
