//! `--set`-family behaviour recorded from the real helm 4.3.1: each case ran
//! `helm install r CHART --dry-run=client FLAGS...` on a chart whose template prints
//! `{{ toJson .Values }}` and `{{ typeOf }}` of each top-level value; errors are the text
//! after "Error: INSTALLATION FAILED: ".

use std::collections::BTreeMap;

use capstan_chart::strvals::{self, merge_set_flags, SetFlags, Values};
use serde_json::Value;

type Case = (
    &'static [(&'static str, &'static str)],
    Result<(&'static str, &'static str), &'static str>,
);

const HELM_CASES: &[Case] = &[
    (
        &[(r#"--set"#, r#"a=b,c=d"#)],
        Ok((r#"{"a":"b","c":"d"}"#, r#"a=string;c=string;"#)),
    ),
    (
        &[(r#"--set"#, r#"a.b.c=x"#)],
        Ok((r#"{"a":{"b":{"c":"x"}}}"#, r#"a=map[string]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a\.b=x"#)],
        Ok((r#"{"a.b":"x"}"#, r#"a.b=string;"#)),
    ),
    (
        &[(r#"--set"#, r#"a=b\,c"#)],
        Ok((r#"{"a":"b,c"}"#, r#"a=string;"#)),
    ),
    (
        &[(r#"--set"#, r#"a={x,y}"#)],
        Ok((r#"{"a":["x","y"]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[0]=x"#)],
        Ok((r#"{"a":["x"]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[0].b=x"#)],
        Ok((r#"{"a":[{"b":"x"}]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[1]=x"#)],
        Ok((r#"{"a":[null,"x"]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a.b[2][1]=x"#)],
        Ok((
            r#"{"a":{"b":[null,null,[null,"x"]]}}"#,
            r#"a=map[string]interface {};"#,
        )),
    ),
    (
        &[(r#"--set"#, r#"a="#)],
        Ok((r#"{"a":""}"#, r#"a=string;"#)),
    ),
    (
        &[(r#"--set"#, r#"a=null"#)],
        Ok((r#"{"a":null}"#, r#"a=<nil>;"#)),
    ),
    (
        &[(r#"--set"#, r#"a={}"#)],
        Ok((r#"{"a":[""]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a={x,y},b=c"#)],
        Ok((
            r#"{"a":["x","y"],"b":"c"}"#,
            r#"a=[]interface {};b=string;"#,
        )),
    ),
    (
        &[(r#"--set"#, r#"a={x,y}z"#)],
        Err(r#"failed parsing --set data: key "z" has no value"#),
    ),
    (
        &[(r#"--set"#, r#"a={x"#)],
        Err(r#"failed parsing --set data: list must terminate with '}'"#),
    ),
    (
        &[(r#"--set"#, r#"a"#)],
        Err(r#"failed parsing --set data: key "a" has no value"#),
    ),
    (
        &[(r#"--set"#, r#"a,b=c"#)],
        Err(r#"failed parsing --set data: key "a" has no value (cannot end with ,)"#),
    ),
    (&[(r#"--set"#, r#"a."#)], Ok((r#"{}"#, r#""#))),
    (
        &[(r#"--set"#, r#"a.b"#)],
        Err(r#"failed parsing --set data: key "b" has no value"#),
    ),
    (
        &[(r#"--set"#, r#"a[0]"#)],
        Ok((r#"{"a":[]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[0][1"#)],
        Ok((r#"{"a":[]}"#, r#"a=[]interface {};"#)),
    ),
    (&[(r#"--set"#, r#"a[1"#)], Ok((r#"{}"#, r#""#))),
    (
        &[(r#"--set"#, r#"a[x]=1"#)],
        Err(
            r#"failed parsing --set data: error parsing index: strconv.Atoi: parsing "x": invalid syntax"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a[-1]=1"#)],
        Err(r#"failed parsing --set data: negative -1 index not allowed"#),
    ),
    (
        &[(r#"--set"#, r#"a[65537]=1"#)],
        Err(
            r#"failed parsing --set data: index of 65537 is greater than maximum supported index of 65536"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a[0]bc=1"#)],
        Err(r#"failed parsing --set data: unexpected data at end of array index: ['b' 'c']"#),
    ),
    (
        &[(r#"--set"#, r#"a.b=1,a.c=2"#)],
        Ok((r#"{"a":{"b":1,"c":2}}"#, r#"a=map[string]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a=1,a.b=2"#)],
        Err(
            r#"failed parsing --set data: unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a.b=1,a[0]=2"#)],
        Err(
            r#"failed parsing --set data: unable to parse key: interface conversion: interface {} is map[string]interface {}, not []interface {}"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a=x,a[0]=1"#)],
        Err(
            r#"failed parsing --set data: unable to parse key: interface conversion: interface {} is string, not []interface {}"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a=null,a.b=1"#)],
        Err(
            r#"failed parsing --set data: unable to parse key: interface conversion: interface {} is nil, not map[string]interface {}"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a[0]=1,a[0][0]=2"#)],
        Err(
            r#"failed parsing --set data: unable to parse key: interface conversion: interface {} is int64, not []interface {}"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a[0]=1,a[0].b=2"#)],
        Ok((r#"{"a":[{"b":2}]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[2]=1,a[0].b=2"#)],
        Ok((r#"{"a":[{"b":2},null,1]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[0][0]=1,a[0][2]=3"#)],
        Ok((r#"{"a":[[1,null,3]]}"#, r#"a=[]interface {};"#)),
    ),
    (&[(r#"--set"#, r#"=x"#)], Ok((r#"{}"#, r#""#))),
    (&[(r#"--set"#, r#".a=1"#)], Ok((r#"{}"#, r#""#))),
    (
        &[(r#"--set"#, r#"a..b=1"#)],
        Err(r#"failed parsing --set data: key map "a" has no value"#),
    ),
    (
        &[(r#"--set"#, r#"a=b=c"#)],
        Ok((r#"{"a":"b=c"}"#, r#"a=string;"#)),
    ),
    (
        &[(r#"--set"#, r#"a={b=c}"#)],
        Ok((r#"{"a":["b=c"]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a\=b=c"#)],
        Ok((r#"{"a=b":"c"}"#, r#"a=b=string;"#)),
    ),
    (
        &[(r#"--set"#, r#"a\[0]=x"#)],
        Ok((r#"{"a[0]":"x"}"#, r#"a[0]=string;"#)),
    ),
    (
        &[(r#"--set"#, r#"a=x\"#)],
        Ok((r#"{"a":"x"}"#, r#"a=string;"#)),
    ),
    (
        &[(r#"--set"#, r#"a="b,c""#)],
        Err(r#"failed parsing --set data: key "c\"" has no value"#),
    ),
    (
        &[(r#"--set"#, r#"é=ü"#)],
        Ok((r#"{"é":"ü"}"#, r#"é=string;"#)),
    ),
    (
        &[(r#"--set"#, r#"a[0]=1,a[1]=2,a[0]=3"#)],
        Ok((r#"{"a":[3,2]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[+1]=x"#)],
        Ok((r#"{"a":[null,"x"]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[ 1]=x"#)],
        Err(
            r#"failed parsing --set data: error parsing index: strconv.Atoi: parsing " 1": invalid syntax"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a[01]=x"#)],
        Ok((r#"{"a":[null,"x"]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[99999999999999999999]=x"#)],
        Err(
            r#"failed parsing --set data: error parsing index: strconv.Atoi: parsing "99999999999999999999": value out of range"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a[0].b[1].c=x"#)],
        Ok((r#"{"a":[{"b":[null,{"c":"x"}]}]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a={1,true,null,x,007,-3}"#)],
        Ok((
            r#"{"a":[1,true,null,"x","007",-3]}"#,
            r#"a=[]interface {};"#,
        )),
    ),
    (
        &[(r#"--set"#, r#"a[0]={1,2}"#)],
        Ok((r#"{"a":[[1,2]]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a.b.c=1,a.b.d=2,a.e=3"#)],
        Ok((
            r#"{"a":{"b":{"c":1,"d":2},"e":3}}"#,
            r#"a=map[string]interface {};"#,
        )),
    ),
    (
        &[(r#"--set"#, r#"a[0]=,b=1"#)],
        Ok((r#"{"a":[""],"b":1}"#, r#"a=[]interface {};b=int64;"#)),
    ),
    (
        &[(r#"--set"#, r#"a=,b=1"#)],
        Ok((r#"{"a":"","b":1}"#, r#"a=string;b=int64;"#)),
    ),
    (
        &[(r#"--set"#, r#"a=1,"#)],
        Ok((r#"{"a":1}"#, r#"a=int64;"#)),
    ),
    (
        &[(r#"--set"#, r#",a=1"#)],
        Err(r#"failed parsing --set data: key "" has no value (cannot end with ,)"#),
    ),
    (
        &[(r#"--set"#, r#"a[]=1"#)],
        Err(
            r#"failed parsing --set data: error parsing index: strconv.Atoi: parsing "": invalid syntax"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a[0]=1"#), (r#"--set"#, r#"a[0].b=2"#)],
        Ok((r#"{"a":[{"b":2}]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a={x,y}"#), (r#"--set"#, r#"a[3]=z"#)],
        Ok((r#"{"a":["x","y",null,"z"]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[0]=x,b=[1]"#)],
        Ok((r#"{"a":["x"],"b":"[1]"}"#, r#"a=[]interface {};b=string;"#)),
    ),
    (
        &[(r#"--set"#, r#"a.b=1"#), (r#"--set"#, r#"a.b.c=2"#)],
        Err(
            r#"failed parsing --set data: unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a[0].b=1,a[0].c=2"#)],
        Ok((r#"{"a":[{"b":1,"c":2}]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[0][0][0]=1"#)],
        Ok((r#"{"a":[[[1]]]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a=1"#), (r#"--set"#, r#"a=2"#)],
        Ok((r#"{"a":2}"#, r#"a=int64;"#)),
    ),
    (
        &[(r#"--set"#, r#"a[1]=x"#), (r#"--set"#, r#"a[0]=y"#)],
        Ok((r#"{"a":["y","x"]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a.b={}"#)],
        Ok((r#"{"a":{"b":[""]}}"#, r#"a=map[string]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a.b="#)],
        Ok((r#"{"a":{"b":""}}"#, r#"a=map[string]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a\"#)],
        Err(r#"failed parsing --set data: key "a" has no value"#),
    ),
    (
        &[(r#"--set"#, r#"a[0]\"#)],
        Ok((r#"{"a":[]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[0].=1"#)],
        Ok((r#"{"a":[{}]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(
            r#"--set"#,
            r#"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd=1"#,
        )],
        Ok((
            r#"{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":{"k":{"l":{"m":{"n":{"o":{"p":{"q":{"r":{"s":{"t":{"u":{"v":{"w":{"x":{"y":{"z":{"aa":{"bb":{"cc":{"dd":1}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}"#,
            r#"a=map[string]interface {};"#,
        )),
    ),
    (
        &[(
            r#"--set"#,
            r#"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd.ee=1"#,
        )],
        Ok((
            r#"{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":{"k":{"l":{"m":{"n":{"o":{"p":{"q":{"r":{"s":{"t":{"u":{"v":{"w":{"x":{"y":{"z":{"aa":{"bb":{"cc":{"dd":{"ee":1}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}"#,
            r#"a=map[string]interface {};"#,
        )),
    ),
    (
        &[(r#"--set"#, r#"a[0]['x']=1"#)],
        Err(
            r#"failed parsing --set data: error parsing index: strconv.Atoi: parsing "'x'": invalid syntax"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a[0]é=1"#)],
        Err(r#"failed parsing --set data: unexpected data at end of array index: ['é']"#),
    ),
    (
        &[(r#"--set"#, r#"a"#), (r#"--set"#, r#"b=1"#)],
        Err(r#"failed parsing --set data: key "a" has no value"#),
    ),
    (
        &[(r#"--set-string"#, r#"a=1,b=true,c=null,d={1,2},e="#)],
        Ok((
            r#"{"a":"1","b":"true","c":"null","d":["1","2"],"e":""}"#,
            r#"a=string;b=string;c=string;d=[]interface {};e=string;"#,
        )),
    ),
    (
        &[(r#"--set-string"#, r#"a[0]=1,a[1].b=false"#)],
        Ok((r#"{"a":["1",{"b":"false"}]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set-string"#, r#"a=1"#), (r#"--set"#, r#"b=2"#)],
        Ok((r#"{"a":"1","b":2}"#, r#"a=string;b=int64;"#)),
    ),
    (
        &[(r#"--set"#, r#"a=1"#), (r#"--set-string"#, r#"a=2"#)],
        Ok((r#"{"a":"2"}"#, r#"a=string;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a=1"#)],
        Ok((r#"{"a":1}"#, r#"a=float64;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a={"b":[1,2.5,"x",null,true]}"#)],
        Ok((
            r#"{"a":{"b":[1,2.5,"x",null,true]}}"#,
            r#"a=map[string]interface {};"#,
        )),
    ),
    (
        &[(r#"--set-json"#, r#"a=[1,"x",null]"#)],
        Ok((r#"{"a":[1,"x",null]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a="#)],
        Ok((r#"{"a":null}"#, r#"a=<nil>;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a= ,b=1"#)],
        Ok((r#"{"a":null,"b":1}"#, r#"a=<nil>;b=float64;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a=1 b=2"#)],
        Ok((r#"{"a":1,"b":2}"#, r#"a=float64;b=float64;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a=truex=1"#)],
        Ok((r#"{"a":true,"x":1}"#, r#"a=bool;x=float64;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a=01"#)],
        Err(r#"failed parsing --set-json data a=01"#),
    ),
    (
        &[(r#"--set-json"#, r#"a=tru"#)],
        Err(r#"failed parsing --set-json data a=tru"#),
    ),
    (
        &[(r#"--set-json"#, r#"{"a":{"b":1}}"#)],
        Ok((r#"{"a":{"b":1}}"#, r#"a=map[string]interface {};"#)),
    ),
    (
        &[(r#"--set-json"#, r#"{"a":1} x"#)],
        Err(r#"failed parsing --set-json data JSON: {"a":1} x"#),
    ),
    (
        &[(r#"--set-json"#, r#"a[0]=1"#)],
        Ok((r#"{"a":[1]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a[1]={"x":2}"#)],
        Ok((r#"{"a":[null,{"x":2}]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a.b="s""#)],
        Ok((r#"{"a":{"b":"s"}}"#, r#"a=map[string]interface {};"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a="x\u00e9\ud83d\ude00""#)],
        Ok((r#"{"a":"xé😀"}"#, r#"a=string;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a=1.5e3,b=-0.5,c=12345678901234567890"#)],
        Ok((
            r#"{"a":1500,"b":-0.5,"c":12345678901234567000}"#,
            r#"a=float64;b=float64;c=float64;"#,
        )),
    ),
    (
        &[
            (r#"--set-json"#, r#"{"a":{"b":1,"c":2}}"#),
            (r#"--set-json"#, r#"{"a":{"b":3}}"#),
        ],
        Ok((r#"{"a":{"b":3,"c":2}}"#, r#"a=map[string]interface {};"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a=1"#), (r#"--set"#, r#"a=2"#)],
        Ok((r#"{"a":2}"#, r#"a=int64;"#)),
    ),
    (
        &[
            (r#"--set-json"#, r#"a.b=1"#),
            (r#"--set-json"#, r#"{"a":{"c":2}}"#),
        ],
        Ok((r#"{"a":{"b":1,"c":2}}"#, r#"a=map[string]interface {};"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a=1e400"#)],
        Err(r#"failed parsing --set-json data a=1e400"#),
    ),
    (
        &[(r#"--set-json"#, r#"a=[01]"#)],
        Err(r#"failed parsing --set-json data a=[01]"#),
    ),
    (
        &[(r#"--set-json"#, r#"a=1,b"#)],
        Err(r#"failed parsing --set-json data a=1,b"#),
    ),
    (
        &[(r#"--set-json"#, r#"a="#), (r#"--set"#, r#"b=1"#)],
        Ok((r#"{"a":null,"b":1}"#, r#"a=<nil>;b=int64;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a[0]="#)],
        Ok((r#"{"a":[null]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a=1,,b=2"#)],
        Err(r#"failed parsing --set-json data a=1,,b=2"#),
    ),
    (
        &[(r#"--set-json"#, r#" {"a":1}"#)],
        Ok((r#"{"a":1}"#, r#"a=float64;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a="#)],
        Ok((r#"{"a":null}"#, r#"a=<nil>;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a=nul"#)],
        Err(r#"failed parsing --set-json data a=nul"#),
    ),
    (
        &[(r#"--set-literal"#, r#"a=b,c=d"#)],
        Ok((r#"{"a":"b,c=d"}"#, r#"a=string;"#)),
    ),
    (
        &[(r#"--set-literal"#, r#"a.b=x\,y"#)],
        Ok((r#"{"a":{"b":"x\\,y"}}"#, r#"a=map[string]interface {};"#)),
    ),
    (
        &[(r#"--set-literal"#, r#"a[0]=1,2"#)],
        Ok((r#"{"a":["1,2"]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set-literal"#, r#"a"#)],
        Err(r#"failed parsing --set-literal data: key "a" has no value"#),
    ),
    (
        &[(r#"--set-literal"#, r#"a,b=c"#)],
        Ok((r#"{"a,b":"c"}"#, r#"a,b=string;"#)),
    ),
    (
        &[(r#"--set-literal"#, r#"a="#)],
        Ok((r#"{"a":""}"#, r#"a=string;"#)),
    ),
    (
        &[(r#"--set-literal"#, r#"a[0]"#)],
        Ok((r#"{"a":[]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set-literal"#, r#"a[1].b={x}"#)],
        Ok((r#"{"a":[null,{"b":"{x}"}]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set-file"#, r#"a=/tmp/sv/f1.txt"#)],
        Ok((r#"{"a":"hello"}"#, r#"a=string;"#)),
    ),
    (
        &[(r#"--set-file"#, r#"a={/tmp/sv/f1.txt,/tmp/sv/f2.txt}"#)],
        Ok((
            r#"{"a":["hello","line1\nline2\n"]}"#,
            r#"a=[]interface {};"#,
        )),
    ),
    (
        &[(r#"--set-file"#, r#"a=/tmp/sv/nope"#)],
        Err(r#"failed parsing --set-file data: open /tmp/sv/nope: no such file or directory"#),
    ),
    (
        &[(r#"--set-file"#, r#"a[1]=/tmp/sv/f2.txt,b=/tmp/sv/f1.txt"#)],
        Ok((
            r#"{"a":[null,"line1\nline2\n"],"b":"hello"}"#,
            r#"a=[]interface {};b=string;"#,
        )),
    ),
    (
        &[(
            r#"--set"#,
            r#"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd.ee.ff=1"#,
        )],
        Err(
            r#"failed parsing --set data: value name nested level is greater than maximum supported nested level of 30"#,
        ),
    ),
    (
        &[(
            r#"--set-literal"#,
            r#"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd.ee.ff=1"#,
        )],
        Err(
            r#"failed parsing --set-literal data: value name nested level is greater than maximum supported nested level of 30"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a[0]=1"#), (r#"--set"#, r#"a[0][1]=2"#)],
        Err(
            r#"failed parsing --set data: unable to parse key: interface conversion: interface {} is int64, not []interface {}"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a[1].b=1"#), (r#"--set"#, r#"a[1][0]=2"#)],
        Err(
            r#"failed parsing --set data: unable to parse key: interface conversion: interface {} is map[string]interface {}, not []interface {}"#,
        ),
    ),
    (
        &[
            (r#"--set"#, r#"a.b[0]=1,a.b[1]=2"#),
            (r#"--set"#, r#"a.b[0].c=3"#),
        ],
        Ok((
            r#"{"a":{"b":[{"c":3},2]}}"#,
            r#"a=map[string]interface {};"#,
        )),
    ),
    (
        &[(r#"--set-json"#, r#"a=1x"#)],
        Err(r#"failed parsing --set-json data a=1x"#),
    ),
    (
        &[(r#"--set-json"#, r#"a="x",b={"c":1}"#)],
        Ok((
            r#"{"a":"x","b":{"c":1}}"#,
            r#"a=string;b=map[string]interface {};"#,
        )),
    ),
    (
        &[(r#"--set-json"#, r#"a=[1,2] ,b=3"#)],
        Ok((r#"{"a":[1,2],"b":3}"#, r#"a=[]interface {};b=float64;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a=  1"#)],
        Ok((r#"{"a":1}"#, r#"a=float64;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a= 1"#)],
        Ok((r#"{"a":1}"#, r#"a=float64;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a[0]=1,a[2]=2"#)],
        Ok((r#"{"a":[1,null,2]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a={"b":1}"#), (r#"--set"#, r#"a.c=2"#)],
        Ok((r#"{"a":{"b":1,"c":2}}"#, r#"a=map[string]interface {};"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a="\ud800""#)],
        Ok((r#"{"a":"�"}"#, r#"a=string;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a="\x""#)],
        Err(r#"failed parsing --set-json data a="\x""#),
    ),
    (
        &[(r#"--set-json"#, r#"a=-"#)],
        Err(r#"failed parsing --set-json data a=-"#),
    ),
    (
        &[(r#"--set-json"#, r#"a=1."#)],
        Err(r#"failed parsing --set-json data a=1."#),
    ),
    (
        &[(r#"--set-json"#, r#"a=.5"#)],
        Err(r#"failed parsing --set-json data a=.5"#),
    ),
    (
        &[(r#"--set-json"#, r#"a=[1 2]"#)],
        Err(r#"failed parsing --set-json data a=[1 2]"#),
    ),
    (
        &[(r#"--set-json"#, r#"a={"b" 1}"#)],
        Err(r#"failed parsing --set-json data a={"b" 1}"#),
    ),
    (
        &[(r#"--set-json"#, r#"a=1e-400"#)],
        Ok((r#"{"a":0}"#, r#"a=float64;"#)),
    ),
    (
        &[(r#"--set-json"#, r#"a=-0"#)],
        Ok((r#"{"a":-0}"#, r#"a=float64;"#)),
    ),
    (
        &[(r#"--set-literal"#, r#"a[0][1]=x"#)],
        Ok((r#"{"a":[[null,"x"]]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set-literal"#, r#"a[x]=1"#)],
        Err(
            r#"failed parsing --set-literal data: error parsing index: strconv.Atoi: parsing "x": invalid syntax"#,
        ),
    ),
    (
        &[(r#"--set-literal"#, r#"a[0]b=1"#)],
        Err(r#"failed parsing --set-literal data: unexpected data at end of array index: ['b']"#),
    ),
    (
        &[
            (r#"--set-literal"#, r#"a=1"#),
            (r#"--set-literal"#, r#"a.b=2"#),
        ],
        Err(
            r#"failed parsing --set-literal data: unable to parse key: interface conversion: interface {} is string, not map[string]interface {}"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a[0]=1"#), (r#"--set"#, r#"a[0]=2"#)],
        Ok((r#"{"a":[2]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a=1\,2"#)],
        Ok((r#"{"a":"1,2"}"#, r#"a=string;"#)),
    ),
    (
        &[(r#"--set-string"#, r#"a[0]"#)],
        Ok((r#"{"a":[]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a.b=1,a.b.c=2"#)],
        Err(
            r#"failed parsing --set data: unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a=[1,2]"#)],
        Err(r#"failed parsing --set data: key "2]" has no value"#),
    ),
    (
        &[(r#"--set"#, r#"a={a,{b}}"#)],
        Err(r#"failed parsing --set data: key "}" has no value"#),
    ),
    (
        &[(r#"--set"#, r#"a={x\,y,z\}}"#)],
        Ok((r#"{"a":["x,y","z}"]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a={ x , y }"#)],
        Ok((r#"{"a":[" x "," y "]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a=\{x,y}"#)],
        Err(r#"failed parsing --set data: key "y}" has no value"#),
    ),
    (
        &[(r#"--set"#, r#"a.b[0]=1"#), (r#"--set"#, r#"a.b=2"#)],
        Ok((r#"{"a":{"b":2}}"#, r#"a=map[string]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[0]=1"#), (r#"--set"#, r#"a=2"#)],
        Ok((r#"{"a":2}"#, r#"a=int64;"#)),
    ),
    (
        &[(r#"--set"#, r#"a[1][0]=1"#), (r#"--set"#, r#"a[0].b=2"#)],
        Ok((r#"{"a":[{"b":2},[1]]}"#, r#"a=[]interface {};"#)),
    ),
    (
        &[(r#"--set"#, r#"a[0].b=1"#), (r#"--set"#, r#"a[0][0]=2"#)],
        Err(
            r#"failed parsing --set data: unable to parse key: interface conversion: interface {} is map[string]interface {}, not []interface {}"#,
        ),
    ),
    (
        &[(r#"--set"#, r#"a=TrUe,b=FALSE,c=Null,d=nil"#)],
        Ok((
            r#"{"a":true,"b":false,"c":null,"d":"nil"}"#,
            r#"a=bool;b=bool;c=<nil>;d=string;"#,
        )),
    ),
];

/// What `toJson` prints for a Go value: keys sorted, int64 as integers, float64 in Go's
/// shortest form (integral values without a fraction).
fn go_json(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let sorted: BTreeMap<_, _> = m.iter().collect();
            let items: Vec<String> = sorted
                .into_iter()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), go_json(v)))
                .collect();
            format!("{{{}}}", items.join(","))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(go_json).collect::<Vec<_>>().join(",")),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => format!("{}", n.as_f64().unwrap_or(f64::NAN)),
        },
        other => other.to_string(),
    }
}

/// What `typeOf` prints for each top-level value, as `key=type;` in key order.
fn go_types(values: &Values) -> String {
    let sorted: BTreeMap<_, _> = values.iter().collect();
    sorted
        .into_iter()
        .map(|(k, v)| {
            let t = match v {
                Value::Null => "<nil>",
                Value::Bool(_) => "bool",
                Value::Number(n) if n.is_i64() => "int64",
                Value::Number(_) => "float64",
                Value::String(_) => "string",
                Value::Array(_) => "[]interface {}",
                Value::Object(_) => "map[string]interface {}",
            };
            format!("{k}={t};")
        })
        .collect()
}

/// The files the recorded `--set-file` cases read.
fn read_file(path: &str) -> Result<String, String> {
    match path {
        "/tmp/sv/f1.txt" => Ok("hello".into()),
        "/tmp/sv/f2.txt" => Ok("line1\nline2\n".into()),
        other => Err(format!("open {other}: no such file or directory")),
    }
}

fn run(args: &[(&str, &str)]) -> Result<Values, String> {
    let mut flags = SetFlags::default();
    for &(flag, value) in args {
        let list = match flag {
            "--set" => &mut flags.values,
            "--set-string" => &mut flags.strings,
            "--set-json" => &mut flags.json,
            "--set-file" => &mut flags.files,
            "--set-literal" => &mut flags.literals,
            other => panic!("unknown flag {other}"),
        };
        list.push(value.to_string());
    }
    let mut values = Values::new();
    merge_set_flags(&mut values, &flags, read_file).map_err(|e| e.to_string())?;
    Ok(values)
}

#[test]
fn matches_helm_4_3_1() {
    let mut failures = Vec::new();
    for (args, want) in HELM_CASES {
        let got = run(args).map(|v| (go_json(&Value::Object(v.clone())), go_types(&v)));
        let want = want
            .map(|(j, t)| (j.to_string(), t.to_string()))
            .map_err(str::to_string);
        if got != want {
            failures.push(format!("{args:?}\n   got: {got:?}\n  want: {want:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        HELM_CASES.len(),
        failures.join("\n")
    );
    assert!(HELM_CASES.len() > 100);
}

#[test]
fn literal_keys_have_no_escapes() {
    // helm 4.3.1: --set-literal 'a\.b=1' gives {"a\\":{"b":"1"}}.
    let v = strvals::parse_literal(r"a\.b=1").expect("parses");
    assert_eq!(go_json(&Value::Object(v)), r#"{"a\\":{"b":"1"}}"#);
}
