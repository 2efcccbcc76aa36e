"""Pure statistics logic: no Django import, typed with `mypy --strict`.

- `agebands`   half-open age bands (Jisr's and CTDC's `ageBroad`)
- `htcds`      HTCDS 2.0 field names, picklists and the mapping of Jisr's case data
- `glotip`     parser of UNODC GLOTIP country data (censored values as intervals)
- `ctdc`       parser of the CTDC synthetic victim–perpetrator dataset (sets, unknowns)
- `countries`  citizenship names as countries report them → ISO 3166 alpha-2
- `disclosure` small-cell suppression with secondary suppression, across linked releases
- `dp`         privacy-budget arithmetic and the OpenDP noise mechanisms
- `kanon`      k-anonymisation by full-domain generalisation and suppression
"""
