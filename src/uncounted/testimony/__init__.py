"""Testimony: witnesses, accounts and claims; corroboration into findings; extrapolated counts.

    testimony = read_testimony(["witnesses.csv", "accounts.csv", "claims.csv"])
    findings = corroborate(testimony, DEFAULT_STANDARD)
    result = extrapolate(load_model("model.toml"), testimony)

"""

from uncounted.testimony.corroborate import Contradiction, Finding, corroborate
from uncounted.testimony.extrapolate import (
    Extrapolation,
    Model,
    Parameter,
    extrapolate,
    extrapolate_file,
    load_model,
)
from uncounted.testimony.io import read_testimony
from uncounted.testimony.model import Account, Claim, Testimony, Witness
from uncounted.testimony.records import claims_to_records
from uncounted.testimony.standards import DEFAULT_STANDARD, Standard, load_standard

__all__ = ["DEFAULT_STANDARD", "Account", "Claim", "Contradiction", "Extrapolation", "Finding", "Model",
           "Parameter", "Standard", "Testimony", "Witness", "claims_to_records", "corroborate", "extrapolate",
           "extrapolate_file", "load_model", "load_standard", "read_testimony"]
